/* The loader's two hottest passes, each one walk over the rows.
 *
 * Optional: the build compiles this module where a C compiler is at hand
 * (hatch_build.py); without it, policy_sdk.facts.ids runs the Python twins of both
 * functions (deployment_ids_py, filing_rows_py), and tests/facts/test_speedups.py
 * checks with generated documents that the two give the same answers.
 *
 * deployment_ids reads each deployment's two ids, finds each among the known ids,
 * and records the (algorithm, platform) pair in a table of pairs (refusing a pair
 * listed twice); filing_rows then finds the pair each filing names in that table.
 * They call no Python code: every id hashed or compared is an exact str, whose
 * hashing and comparison run no Python, a row's keys are compared as text without a
 * lookup (row_values), and nothing is allocated on the way (so no collection runs),
 * so nothing can change the rows while they are walked. A row they do not accept
 * makes them return None, and the caller hands the whole section to the row checker
 * (policy_sdk.facts.check), which words the problem.
 *
 * Why the blocks. Looking an id up is a wait on memory: a million ids name entries
 * that lie anywhere, and each lookup reads a table slot and the entry's id from
 * memory. Rows are therefore taken BLOCK at a time, in stages: the first reads the
 * rows and asks for the slots their ids hash to, the next (the slots now arrived) asks
 * for the ids to compare, the next compares and asks for the slot of the pair, the
 * last reads or fills it. The waits of a block overlap instead of following each
 * other. Hence private tables (id_index, the pairs) whose slots' places are known.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

#define BLOCK 32

static PyObject *ALGORITHM;  /* "algorithm", interned */
static PyObject *PLATFORM;   /* "platform", interned */

/* its place in [0, size), from a 32-bit hash (scaled: no division) */
static inline size_t
scaled(uint32_t hash, size_t size)
{
    return (size_t)(((uint64_t)hash * (uint64_t)size) >> 32);
}

/* the high half of a 64-bit hash (measured faster here than mixing both halves) */
static inline uint32_t
high_of(Py_hash_t hash)
{
    return sizeof(Py_hash_t) > 4 ? (uint32_t)((uint64_t)hash >> 32) : (uint32_t)hash;
}

/* ---- the known ids: a read-only index over a dict mapping each id to itself ---- */

typedef struct {
    Py_hash_t hash;
    PyObject *key;  /* borrowed from the dict, which the owner keeps a reference to */
} id_slot;

typedef struct {
    id_slot *slots;
    size_t size;
} id_index;

static inline size_t
start_of(const id_index *ix, Py_hash_t hash)
{
    return scaled(high_of(hash), ix->size);
}

/* 1: built; 0: a key is not an exact str or not its own value (the caller refuses,
 * and the row checker takes the section); -1: error set */
static int
index_build(id_index *ix, PyObject *dict)
{
    /* a third of the slots empty: short runs, and less memory than a power of two */
    size_t size = (size_t)PyDict_GET_SIZE(dict) / 2 * 3 + 8;
    if (size >= UINT32_MAX) {
        return 0;  /* slot numbers are 32-bit */
    }
    ix->slots = PyMem_Calloc(size, sizeof(id_slot));
    ix->size = size;
    if (ix->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key) || value != key) {
            return 0;
        }
        Py_hash_t hash = PyObject_Hash(key);
        if (hash == -1) {
            return -1;
        }
        size_t i = start_of(ix, hash);
        while (ix->slots[i].key != NULL) {  /* keys of a dict are distinct */
            i = i + 1 == ix->size ? 0 : i + 1;
        }
        ix->slots[i].hash = hash;
        ix->slots[i].key = key;
    }
    return 1;
}

static inline int
same_text(PyObject *a, PyObject *b)
{
    if (a == b) {
        return 1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return n == PyUnicode_GET_LENGTH(b) && kind == PyUnicode_KIND(b)
        && memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * (size_t)kind) == 0;
}

/* The value of `key` in `row`, and with `other` that of `other_key`, found by walking
 * the row's entries, not looked up: a lookup compares keys of equal hash, and a key of
 * another type could run Python code when compared (and change the rows under our
 * feet). Keys that are not text are passed over (the caller's check of the row's keys
 * refuses them). 1: found (both); 0: missing. */
static inline int
row_values(PyObject *row, PyObject *key, PyObject **value, PyObject *other_key,
           PyObject **other)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    *value = NULL;
    if (other != NULL) {
        *other = NULL;
    }
    while (PyDict_Next(row, &pos, &k, &v)) {
        if (!PyUnicode_Check(k)) {
            continue;
        }
        if (*value == NULL && same_text(k, key)) {
            *value = v;
        }
        else if (other != NULL && *other == NULL && same_text(k, other_key)) {
            *other = v;
        }
        else {
            continue;
        }
        if (*value != NULL && (other == NULL || *other != NULL)) {
            return 1;  /* both found: the rest is not read */
        }
    }
    return 0;
}

/* stage 1: ask for the slot `hash` starts at */
static inline void
index_ask(const id_index *ix, Py_hash_t hash)
{
    PREFETCH(&ix->slots[start_of(ix, hash)]);
}

/* stage 2: the slot has arrived; ask for the key it holds, if it must be compared */
static inline void
index_ask_key(const id_index *ix, Py_hash_t hash, PyObject *key)
{
    const id_slot *s = &ix->slots[start_of(ix, hash)];
    if (s->key != NULL && s->key != key && s->hash == hash) {
        PREFETCH(s->key);
        PREFETCH((char *)s->key + 64);
    }
}

/* stage 3: the slot of `key` (an exact str whose hash is `hash`), or -1: not known */
static inline int64_t
index_find(const id_index *ix, Py_hash_t hash, PyObject *key)
{
    for (size_t i = start_of(ix, hash);; i = i + 1 == ix->size ? 0 : i + 1) {
        const id_slot *s = &ix->slots[i];
        if (s->key == NULL) {
            return -1;
        }
        if (s->hash == hash && same_text(s->key, key)) {
            return (int64_t)i;
        }
    }
}

/* ---- the pairs: (algorithm, platform) -> deployment row ----
 *
 * A slot holds a deployment's row (24 bits) and 8 bits of its pair's hash; the pair
 * itself is read off the deployments' columns (the ids as spelled: the very objects
 * the id indexes hold, so comparing them is comparing pointers). Four bytes a slot,
 * half of them empty. */

#define EMPTY UINT32_MAX
#define MAX_ROWS 0xFFFFFF  /* rows 0 .. MAX_ROWS - 1 (EMPTY is no row) */

typedef struct {
    id_index algorithms, platforms;
    uint32_t *pairs;
    size_t size;
    PyObject **by_algorithm, **by_platform;  /* the columns' items */
    PyObject *algorithm_ids, *platform_ids;  /* kept: the indexes borrow their keys */
    PyObject *algorithm_column, *platform_column;  /* kept: by_algorithm, by_platform */
} deployment_pairs;

#define CAPSULE "policy_sdk.facts._speedups.pairs"

static void
pairs_free(deployment_pairs *found)
{
    PyMem_Free(found->algorithms.slots);
    PyMem_Free(found->platforms.slots);
    PyMem_Free(found->pairs);
    Py_XDECREF(found->algorithm_ids);
    Py_XDECREF(found->platform_ids);
    Py_XDECREF(found->algorithm_column);
    Py_XDECREF(found->platform_column);
    PyMem_Free(found);
}

static void
capsule_free(PyObject *capsule)
{
    deployment_pairs *found = PyCapsule_GetPointer(capsule, CAPSULE);
    if (found != NULL) {
        pairs_free(found);
    }
}

/* the pair of the ids in slots a, p of the indexes: where it starts, and its mark */
static inline size_t
pair_start(const deployment_pairs *found, uint32_t a, uint32_t p, uint32_t *mark)
{
    uint64_t x = ((uint64_t)a << 32 | p) * 0x9E3779B97F4A7C15ull;
    *mark = (uint32_t)(x >> 16) & 0xFF;
    return scaled((uint32_t)(x >> 32), found->size);
}

#define NEXT(found, i) ((i) + 1 == (found)->size ? 0 : (i) + 1)

/* the row of the pair (ka, kp) (ids as spelled) from slot i on, or -1 */
static inline int64_t
pair_row(const deployment_pairs *found, size_t i, uint32_t mark, PyObject *ka, PyObject *kp)
{
    for (; found->pairs[i] != EMPTY; i = NEXT(found, i)) {
        uint32_t slot = found->pairs[i];
        if (slot >> 24 == mark) {
            uint32_t row = slot & MAX_ROWS;
            if (found->by_algorithm[row] == ka && found->by_platform[row] == kp) {
                return row;
            }
        }
    }
    return -1;
}

/* The places of the ids a[k], p[k] (exact str, k < m) in the indexes (-1: not known),
 * and where each pair starts (marks in `mark`; only where both are known): hashed and
 * asked for together, then compared, then the pairs' slots asked for (see "Why the
 * blocks"). 0; or -1 with an error set. */
static int
find_block(const deployment_pairs *found, PyObject **a, PyObject **p, Py_ssize_t m,
           int64_t *ia, int64_t *ip, size_t *at, uint32_t *mark)
{
    const id_index *algs = &found->algorithms, *plats = &found->platforms;
    Py_hash_t ha[BLOCK], hp[BLOCK];
    for (Py_ssize_t k = 0; k < m; k++) {  /* hash; ask for the id slots */
        ha[k] = PyObject_Hash(a[k]);
        hp[k] = PyObject_Hash(p[k]);
        if (ha[k] == -1 || hp[k] == -1) {
            return -1;
        }
        index_ask(algs, ha[k]);
        index_ask(plats, hp[k]);
    }
    for (Py_ssize_t k = 0; k < m; k++) {  /* ask for the ids to compare */
        index_ask_key(algs, ha[k], a[k]);
        index_ask_key(plats, hp[k], p[k]);
    }
    for (Py_ssize_t k = 0; k < m; k++) {  /* find the ids; ask for the pair's slot */
        ia[k] = index_find(algs, ha[k], a[k]);
        ip[k] = index_find(plats, hp[k], p[k]);
        if (ia[k] >= 0 && ip[k] >= 0) {
            at[k] = pair_start(found, (uint32_t)ia[k], (uint32_t)ip[k], &mark[k]);
            PREFETCH(&found->pairs[at[k]]);
        }
    }
    return 0;
}

/* ---- deployment_ids ---- */

/* deployment_ids(rows, algorithm_ids, platform_ids)
 *
 * rows: a list or tuple of the deployments as given; algorithm_ids, platform_ids:
 * the ids as their entries spell them, each mapped to itself (an equal id given in a
 * row is answered with that object).
 *
 * Returns (algorithms, platforms, two_keys, pairs): each row's ids as their entries
 * spell them (two tuples), whether every row has exactly two keys, and the pairs (a
 * capsule for filing_rows); or None where a row is not a dict, lacks `algorithm` or
 * `platform`, names one that is not text or not known, or repeats an (algorithm,
 * platform) pair, or where an id table is not of exact text each mapped to itself. */
static PyObject *
deployment_ids(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "deployment_ids takes 3 arguments");
        return NULL;
    }
    PyObject *rows = args[0], *algorithm_ids = args[1], *platform_ids = args[2];
    if (!PyDict_CheckExact(algorithm_ids) || !PyDict_CheckExact(platform_ids)) {
        PyErr_SetString(PyExc_TypeError, "deployment_ids takes dicts of ids");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(rows, "deployment_ids takes a list or tuple of rows");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *algorithms = NULL, *platforms = NULL, *capsule = NULL, *result = NULL;
    deployment_pairs *found = PyMem_Calloc(1, sizeof(deployment_pairs));
    if (found == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    found->algorithm_ids = Py_NewRef(algorithm_ids);
    found->platform_ids = Py_NewRef(platform_ids);
    int built = index_build(&found->algorithms, algorithm_ids);
    built = built == 1 ? index_build(&found->platforms, platform_ids) : built;
    if (built < 0) {
        goto done;
    }
    if (built == 0) {
        goto refused;  /* not the tables the index takes: the row checker's case */
    }
    if (n >= MAX_ROWS) {
        PyErr_SetString(PyExc_ValueError, "deployment_ids takes fewer rows");
        goto done;
    }
    found->size = (size_t)n * 2 + 8;
    found->pairs = PyMem_Malloc(found->size * sizeof(uint32_t));
    if (found->pairs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memset(found->pairs, 0xFF, found->size * sizeof(uint32_t));  /* all EMPTY */
    algorithms = PyTuple_New(n);
    platforms = PyTuple_New(n);
    if (algorithms == NULL || platforms == NULL) {
        goto done;
    }
    found->by_algorithm = PySequence_Fast_ITEMS(algorithms);
    found->by_platform = PySequence_Fast_ITEMS(platforms);
    /* tuples of text only: the cyclic collector need never walk them (it would stop
     * tracking them itself at its first look) */
    PyObject_GC_UnTrack(algorithms);
    PyObject_GC_UnTrack(platforms);
    int two_keys = 1;
    const id_index *algs = &found->algorithms, *plats = &found->platforms;
    PyObject *a[BLOCK], *p[BLOCK];
    int64_t ia[BLOCK], ip[BLOCK];
    size_t at[BLOCK];
    uint32_t mark[BLOCK];
    for (Py_ssize_t start = 0; start < n; start += BLOCK) {
        Py_ssize_t m = n - start < BLOCK ? n - start : BLOCK;
        for (Py_ssize_t k = 0; k < m; k++) {  /* the rows */
            PyObject *row = items[start + k];
            if (!PyDict_CheckExact(row) || !row_values(row, ALGORITHM, &a[k], PLATFORM, &p[k])
                    || !PyUnicode_CheckExact(a[k]) || !PyUnicode_CheckExact(p[k])) {
                goto refused;
            }
            if (PyDict_GET_SIZE(row) != 2) {
                two_keys = 0;
            }
        }
        if (find_block(found, a, p, m, ia, ip, at, mark) < 0) {
            goto done;
        }
        for (Py_ssize_t k = 0; k < m; k++) {
            if (ia[k] < 0 || ip[k] < 0) {
                goto refused;  /* an unknown id */
            }
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* record the pair */
            PyObject *ka = algs->slots[ia[k]].key, *kp = plats->slots[ip[k]].key;
            size_t i = at[k];
            for (; found->pairs[i] != EMPTY; i = NEXT(found, i)) {
                uint32_t slot = found->pairs[i];
                if (slot >> 24 == mark[k] && found->by_algorithm[slot & MAX_ROWS] == ka
                        && found->by_platform[slot & MAX_ROWS] == kp) {
                    goto refused;  /* the pair was listed before */
                }
            }
            found->pairs[i] = mark[k] << 24 | (uint32_t)(start + k);
            PyTuple_SET_ITEM(algorithms, start + k, Py_NewRef(ka));
            PyTuple_SET_ITEM(platforms, start + k, Py_NewRef(kp));
        }
    }
    found->algorithm_column = Py_NewRef(algorithms);
    found->platform_column = Py_NewRef(platforms);
    capsule = PyCapsule_New(found, CAPSULE, capsule_free);
    if (capsule == NULL) {
        goto done;
    }
    found = NULL;  /* the capsule's now */
    result = Py_BuildValue("(OONN)", algorithms, platforms, PyBool_FromLong(two_keys),
                           capsule);
    goto done;
refused:
    result = Py_NewRef(Py_None);
done:
    if (found != NULL) {
        pairs_free(found);
    }
    Py_XDECREF(algorithms);
    Py_XDECREF(platforms);
    Py_DECREF(seq);
    return result;
}

/* ---- filing_rows ---- */

/* filing_rows(rows, algorithms, pairs, where)
 *
 * rows: the filings as given, each a dict naming one platform; algorithms: the
 * algorithm each names, as given (a tuple, one per row); pairs: deployment_ids's;
 * where: a writable buffer of one 64-bit integer per row (an array('q')).
 *
 * Fills `where` with the deployment row of each filing's (algorithm, platform), -1
 * where there is none (an unknown id included), and returns True; or returns None
 * where a row is not a dict, its `platform` is missing or not text, or an algorithm is
 * not text. */
static PyObject *
filing_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "filing_rows takes 4 arguments");
        return NULL;
    }
    PyObject *rows = args[0], *names = args[1];
    const deployment_pairs *found = PyCapsule_GetPointer(args[2], CAPSULE);
    if (found == NULL) {
        return NULL;
    }
    if (!PyTuple_CheckExact(names)) {
        PyErr_SetString(PyExc_TypeError, "filing_rows takes a tuple of algorithms");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(rows, "filing_rows takes a list or tuple of rows");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (PyTuple_GET_SIZE(names) != n) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "filing_rows takes one algorithm per row");
        return NULL;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_buffer out;
    if (PyObject_GetBuffer(args[3], &out, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) {
        Py_DECREF(seq);
        return NULL;
    }
    if (out.len != n * (Py_ssize_t)sizeof(int64_t)) {
        PyBuffer_Release(&out);
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "filing_rows takes room for one row per filing");
        return NULL;
    }
    char *where = out.buf;
    const id_index *algs = &found->algorithms, *plats = &found->platforms;
    PyObject *a[BLOCK], *p[BLOCK];
    int64_t ia[BLOCK], ip[BLOCK];
    size_t at[BLOCK];
    uint32_t mark[BLOCK];
    for (Py_ssize_t start = 0; start < n; start += BLOCK) {
        Py_ssize_t m = n - start < BLOCK ? n - start : BLOCK;
        for (Py_ssize_t k = 0; k < m; k++) {  /* the rows */
            PyObject *row = items[start + k];
            a[k] = PyTuple_GET_ITEM(names, start + k);
            if (!PyDict_CheckExact(row) || !row_values(row, PLATFORM, &p[k], NULL, NULL)
                    || !PyUnicode_CheckExact(p[k]) || !PyUnicode_CheckExact(a[k])) {
                goto refused;
            }
        }
        if (find_block(found, a, p, m, ia, ip, at, mark) < 0) {
            goto failed;
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* the first slot of its mark: ask for its ids */
            if (ia[k] >= 0 && ip[k] >= 0) {
                size_t i = at[k];
                while (found->pairs[i] != EMPTY && found->pairs[i] >> 24 != mark[k]) {
                    i = NEXT(found, i);
                }
                at[k] = i;
                if (found->pairs[i] != EMPTY) {
                    PREFETCH(&found->by_algorithm[found->pairs[i] & MAX_ROWS]);
                    PREFETCH(&found->by_platform[found->pairs[i] & MAX_ROWS]);
                }
            }
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* the pair's row, if listed */
            int64_t value = -1;
            if (ia[k] >= 0 && ip[k] >= 0) {
                value = pair_row(found, at[k], mark[k], algs->slots[ia[k]].key,
                                 plats->slots[ip[k]].key);
            }
            memcpy(where + (start + k) * (Py_ssize_t)sizeof(int64_t), &value,
                   sizeof(int64_t));
        }
    }
    PyBuffer_Release(&out);
    Py_DECREF(seq);
    Py_RETURN_TRUE;
refused:
    PyBuffer_Release(&out);
    Py_DECREF(seq);
    Py_RETURN_NONE;
failed:
    PyBuffer_Release(&out);
    Py_DECREF(seq);
    return NULL;
}

/* ---- distinct ---- */

/* distinct(texts): whether no two of `texts` (a tuple of exact str) are equal. Each
 * is hashed once; a table of row numbers (4 bytes a slot, a third empty) finds equal
 * hashes, and only those texts are compared: far less memory than a set of them.
 * TypeError for an item that is not an exact str. */
static PyObject *
distinct(PyObject *module, PyObject *texts)
{
    if (!PyTuple_CheckExact(texts)) {
        PyErr_SetString(PyExc_TypeError, "distinct takes a tuple of text");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(texts);
    if ((size_t)n >= EMPTY / 2) {
        PyErr_SetString(PyExc_ValueError, "distinct takes fewer texts");
        return NULL;
    }
    size_t size = (size_t)n / 2 * 3 + 8;
    uint32_t *rows = PyMem_Malloc(size * sizeof(uint32_t));
    Py_hash_t *hashes = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(Py_hash_t));
    if (rows == NULL || hashes == NULL) {
        PyMem_Free(rows);
        PyMem_Free(hashes);
        return PyErr_NoMemory();
    }
    for (size_t i = 0; i < size; i++) {
        rows[i] = EMPTY;
    }
    PyObject *result = Py_True;
    for (Py_ssize_t start = 0; start < n && result == Py_True; start += BLOCK) {
        Py_ssize_t m = n - start < BLOCK ? n - start : BLOCK;
        for (Py_ssize_t k = start; k < start + m; k++) {  /* hash; ask for the slot */
            PyObject *text = PyTuple_GET_ITEM(texts, k);
            if (!PyUnicode_CheckExact(text)) {
                PyErr_SetString(PyExc_TypeError, "distinct takes a tuple of text");
                result = NULL;
                break;
            }
            hashes[k] = PyObject_Hash(text);
            if (hashes[k] == -1) {
                result = NULL;
                break;
            }
            PREFETCH(&rows[scaled(high_of(hashes[k]), size)]);
        }
        for (Py_ssize_t k = start; k < start + m && result == Py_True; k++) {
            size_t i = scaled(high_of(hashes[k]), size);
            for (; rows[i] != EMPTY; i = i + 1 == size ? 0 : i + 1) {
                uint32_t other = rows[i];
                if (hashes[other] == hashes[k] && same_text(PyTuple_GET_ITEM(texts, other),
                                                            PyTuple_GET_ITEM(texts, k))) {
                    result = Py_False;
                    break;
                }
            }
            rows[i] = (uint32_t)k;
        }
    }
    PyMem_Free(rows);
    PyMem_Free(hashes);
    return result == NULL ? NULL : Py_NewRef(result);
}

static PyMethodDef methods[] = {
    {"deployment_ids", (PyCFunction)(void (*)(void))deployment_ids, METH_FASTCALL,
     "Each deployment's ids as spelled, and the table of their pairs; or None."},
    {"filing_rows", (PyCFunction)(void (*)(void))filing_rows, METH_FASTCALL,
     "The deployment row of each filing (int64, -1: none) into `where`; or None."},
    {"distinct", (PyCFunction)distinct, METH_O,
     "Whether no two of a tuple of texts are equal."},
    {NULL, NULL, 0, NULL},
};

static int
exec_module(PyObject *module)
{
    ALGORITHM = PyUnicode_InternFromString("algorithm");
    PLATFORM = PyUnicode_InternFromString("platform");
    return (ALGORITHM == NULL || PLATFORM == NULL) ? -1 : 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_speedups",
    "The loader's hottest passes in C (policy_sdk.facts.ids has their twins).",
    0, methods, module_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModuleDef_Init(&module_def);
}
