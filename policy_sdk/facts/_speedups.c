/* The loader's two hottest passes, each one walk over the rows.
 *
 * Optional: the build compiles this module where a C compiler is at hand
 * (hatch_build.py); without it, policy_sdk.facts.ids runs the Python twins of both
 * functions (deployment_ids_py, filing_rows_py), and tests/facts/test_speedups.py
 * checks with generated documents that the two give the same answers.
 *
 * Both functions only read what they are given, except the positions tables that
 * deployment_ids fills. They call no Python code: every key hashed or compared is an
 * exact str, whose hashing and comparison run no Python, so nothing can change the
 * rows while they are walked. A row they do not accept makes them return None, and
 * the caller hands the whole section to the row checker (policy_sdk.facts.check),
 * which words the problem.
 *
 * Why the blocks. Looking an id up is a wait on memory: a million ids name entries
 * that lie anywhere, and each lookup reads a table id_slot and the entry's id from
 * memory. Rows are therefore taken BLOCK at a time, in stages: the first reads the
 * rows and asks for the slots their ids hash to, the next (the slots now arrived) asks
 * for the ids to compare, the last compares and finishes. The waits of a block
 * overlap instead of following each other. The lookups go through a private table
 * (id_index) built from the caller's dict, whose slots' places are known.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

#define BLOCK 32

static PyObject *ALGORITHM;  /* "algorithm", interned */
static PyObject *PLATFORM;   /* "platform", interned */

/* ---- a read-only hash index over a dict whose keys are all exact str ---- */

typedef struct {
    Py_hash_t hash;
    PyObject *key;    /* borrowed from the dict (kept alive by the caller's reference) */
    PyObject *value;  /* borrowed likewise */
} id_slot;

typedef struct {
    char *slots;
    size_t size;
    size_t stride;  /* sizeof(id_slot); or without `value`, where each value is its key */
} id_index;

#define SLOT(ix, i) ((id_slot *)((ix)->slots + (i) * (ix)->stride))
#define KEYED_ONLY offsetof(id_slot, value)

/* where `hash` starts: its place in [0, size), scaled (no division) */
static inline size_t
start_of(const id_index *ix, Py_hash_t hash)
{
    /* the high half of a 64-bit hash (measured faster here than mixing both halves) */
    uint32_t high = sizeof(Py_hash_t) > 4 ? (uint32_t)((uint64_t)hash >> 32) : (uint32_t)hash;
    return (size_t)(((uint64_t)high * (uint64_t)ix->size) >> 32);
}

/* 1: built; 0: a key is not an exact str, or (without values) a value is not its own
 * key: the caller refuses, and the row checker takes the section; -1: error set.
 * with_values: keep each key's value (else each value must be the key itself, and the
 * index takes two thirds of the memory) */
static int
index_build(id_index *ix, PyObject *dict, int with_values)
{
    /* a third of the slots empty: short runs, and less memory than a power of two */
    size_t size = (size_t)PyDict_GET_SIZE(dict) / 2 * 3 + 8;
    ix->stride = with_values ? sizeof(id_slot) : KEYED_ONLY;
    ix->slots = PyMem_Calloc(size, ix->stride);
    ix->size = size;
    if (ix->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key) || (!with_values && value != key)) {
            PyMem_Free(ix->slots);
            ix->slots = NULL;
            return 0;
        }
        Py_hash_t hash = PyObject_Hash(key);
        if (hash == -1) {
            PyMem_Free(ix->slots);
            ix->slots = NULL;
            return -1;
        }
        size_t i = start_of(ix, hash);
        while (SLOT(ix, i)->key != NULL) {  /* keys of a dict are distinct */
            i = i + 1 == ix->size ? 0 : i + 1;
        }
        SLOT(ix, i)->hash = hash;
        SLOT(ix, i)->key = key;
        if (with_values) {
            SLOT(ix, i)->value = value;
        }
    }
    return 1;
}

static void
index_free(id_index *ix)
{
    PyMem_Free(ix->slots);
    ix->slots = NULL;
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

/* stage 1: ask for the id_slot `hash` starts at */
static inline void
index_ask(const id_index *ix, Py_hash_t hash)
{
    PREFETCH(SLOT(ix, start_of(ix, hash)));
}

/* stage 2: the id_slot has arrived; ask for the key it holds, if it must be compared */
static inline void
index_ask_key(const id_index *ix, Py_hash_t hash, PyObject *key)
{
    const id_slot *s = SLOT(ix, start_of(ix, hash));
    if (s->key != NULL && s->key != key && s->hash == hash) {
        PREFETCH(s->key);
        PREFETCH((char *)s->key + 64);
    }
}

/* stage 3: the value of `key` (an exact str whose hash is `hash`), or NULL */
static inline PyObject *
index_get(const id_index *ix, Py_hash_t hash, PyObject *key)
{
    for (size_t i = start_of(ix, hash);; i = i + 1 == ix->size ? 0 : i + 1) {
        const id_slot *s = SLOT(ix, i);
        if (s->key == NULL) {
            return NULL;
        }
        if (s->hash == hash && same_text(s->key, key)) {
            return ix->stride == KEYED_ONLY ? s->key : s->value;
        }
    }
}

/* ---- deployment_ids ---- */

/* deployment_ids(rows, algorithm_ids, platform_ids, tables)
 *
 * rows: a list or tuple of the deployments as given; algorithm_ids, platform_ids:
 * the ids as their entries spell them, each mapped to itself (an equal id given in a
 * row is answered with that object; None if a value is not its key); tables: a dict from each
 * algorithm's id (as spelled) to an empty dict, filled here: platform -> row.
 *
 * Returns (algorithms, platforms, two_keys): each row's ids as their entries spell
 * them (two tuples), and whether every row has exactly two keys; or None where a row
 * is not a dict, lacks `algorithm` or `platform`, names one that is not text or not
 * known, or repeats an (algorithm, platform) pair. */
static PyObject *
deployment_ids(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "deployment_ids takes 4 arguments");
        return NULL;
    }
    PyObject *rows = args[0], *algorithm_ids = args[1], *platform_ids = args[2],
             *tables = args[3];
    if (!PyDict_CheckExact(algorithm_ids) || !PyDict_CheckExact(platform_ids)
            || !PyDict_CheckExact(tables)) {
        PyErr_SetString(PyExc_TypeError, "deployment_ids takes dicts of ids and tables");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(rows, "deployment_ids takes a list or tuple of rows");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *algorithms = NULL, *platforms = NULL, *result = NULL;
    id_index algs = {NULL, 0, 0}, plats = {NULL, 0, 0};
    int built = index_build(&algs, algorithm_ids, 0);
    if (built == 1) {
        built = index_build(&plats, platform_ids, 0);
    }
    if (built < 0) {
        goto done;
    }
    if (built == 0) {  /* an id that is not plain text: the row checker's case */
        result = Py_NewRef(Py_None);
        goto done;
    }
    algorithms = PyTuple_New(n);
    platforms = PyTuple_New(n);
    if (algorithms == NULL || platforms == NULL) {
        goto done;
    }
    /* tuples of text only: the cyclic collector need never walk them (it would stop
     * tracking them itself at its first look) */
    PyObject_GC_UnTrack(algorithms);
    PyObject_GC_UnTrack(platforms);
    int two_keys = 1;
    PyObject *a[BLOCK], *p[BLOCK];
    Py_hash_t ha[BLOCK], hp[BLOCK];
    for (Py_ssize_t start = 0; start < n; start += BLOCK) {
        Py_ssize_t m = n - start < BLOCK ? n - start : BLOCK;
        for (Py_ssize_t k = 0; k < m; k++) {  /* the rows; ask for the slots */
            PyObject *row = items[start + k];
            if (!PyDict_CheckExact(row)) {
                goto refused;
            }
            a[k] = PyDict_GetItemWithError(row, ALGORITHM);
            p[k] = a[k] == NULL ? NULL : PyDict_GetItemWithError(row, PLATFORM);
            if (p[k] == NULL) {
                goto missing;
            }
            if (!PyUnicode_CheckExact(a[k]) || !PyUnicode_CheckExact(p[k])) {
                goto refused;
            }
            if (PyDict_GET_SIZE(row) != 2) {
                two_keys = 0;
            }
            ha[k] = PyObject_Hash(a[k]);
            hp[k] = PyObject_Hash(p[k]);
            if (ha[k] == -1 || hp[k] == -1) {
                goto done;
            }
            index_ask(&algs, ha[k]);
            index_ask(&plats, hp[k]);
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* ask for the ids to compare */
            index_ask_key(&algs, ha[k], a[k]);
            index_ask_key(&plats, hp[k], p[k]);
        }
        for (Py_ssize_t k = 0; k < m; k++) {
            PyObject *ca = index_get(&algs, ha[k], a[k]);
            PyObject *cp = index_get(&plats, hp[k], p[k]);
            if (ca == NULL || cp == NULL) {
                goto refused;  /* an unknown id */
            }
            PyObject *table = PyDict_GetItemWithError(tables, ca);
            if (table == NULL) {
                goto missing;
            }
            if (!PyDict_CheckExact(table)) {
                goto refused;
            }
            Py_ssize_t i = start + k;
            PyObject *at = PyLong_FromSsize_t(i);
            if (at == NULL) {
                goto done;
            }
            PyObject *before = PyDict_SetDefault(table, cp, at);  /* borrowed */
            int listed_before = before != at;
            Py_DECREF(at);  /* the table holds it, if it took it */
            if (before == NULL) {
                goto done;
            }
            if (listed_before) {
                goto refused;  /* the pair was listed before */
            }
            PyTuple_SET_ITEM(algorithms, i, Py_NewRef(ca));
            PyTuple_SET_ITEM(platforms, i, Py_NewRef(cp));
        }
    }
    result = Py_BuildValue("(OON)", algorithms, platforms, PyBool_FromLong(two_keys));
    goto done;
missing:
    if (PyErr_Occurred()) {
        goto done;
    }
refused:
    result = Py_NewRef(Py_None);
done:
    index_free(&algs);
    index_free(&plats);
    Py_XDECREF(algorithms);
    Py_XDECREF(platforms);
    Py_DECREF(seq);
    return result;
}

/* ---- filing_rows ---- */

/* filing_rows(rows, algorithms, platform_ids, at)
 *
 * rows: the filings as given, each a dict naming one platform; algorithms: the
 * algorithm each names, as given (a tuple, one per row); platform_ids: as for
 * deployment_ids; at: algorithm (as spelled) ->
 * platform (as spelled) -> deployment row (the deployments' positions).
 *
 * Returns the deployment row of each filing's (algorithm, platform), -1 where there is
 * none, as the bytes of native 64-bit integers (for array('q')); or None where a row
 * is not a dict, or its `platform` is missing or not text, or an algorithm is not
 * text. */
static PyObject *
filing_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "filing_rows takes 4 arguments");
        return NULL;
    }
    PyObject *rows = args[0], *names = args[1], *platform_ids = args[2], *at = args[3];
    if (!PyTuple_CheckExact(names) || !PyDict_CheckExact(platform_ids)
            || !PyDict_CheckExact(at)) {
        PyErr_SetString(PyExc_TypeError, "filing_rows takes a tuple and two dicts");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(rows, "filing_rows takes a list or tuple of rows");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = NULL, *result = NULL;
    id_index tables = {NULL, 0, 0}, plats = {NULL, 0, 0};
    if (PyTuple_GET_SIZE(names) != n) {
        PyErr_SetString(PyExc_ValueError, "filing_rows takes one algorithm per row");
        goto done;
    }
    int built = index_build(&tables, at, 1);
    if (built == 1) {
        built = index_build(&plats, platform_ids, 0);
    }
    if (built < 0) {
        goto done;
    }
    if (built == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    out = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (out == NULL) {
        goto done;
    }
    char *where = PyBytes_AS_STRING(out);
    PyObject *a[BLOCK], *p[BLOCK], *table[BLOCK], *cp[BLOCK], *found[BLOCK];
    Py_hash_t ha[BLOCK], hp[BLOCK];
    for (Py_ssize_t start = 0; start < n; start += BLOCK) {
        Py_ssize_t m = n - start < BLOCK ? n - start : BLOCK;
        for (Py_ssize_t k = 0; k < m; k++) {  /* the rows; ask for the slots */
            PyObject *row = items[start + k];
            if (!PyDict_CheckExact(row)) {
                goto refused;
            }
            p[k] = PyDict_GetItemWithError(row, PLATFORM);
            if (p[k] == NULL) {
                goto missing;
            }
            a[k] = PyTuple_GET_ITEM(names, start + k);
            if (!PyUnicode_CheckExact(p[k]) || !PyUnicode_CheckExact(a[k])) {
                goto refused;
            }
            ha[k] = PyObject_Hash(a[k]);
            hp[k] = PyObject_Hash(p[k]);
            if (ha[k] == -1 || hp[k] == -1) {
                goto done;
            }
            index_ask(&tables, ha[k]);
            index_ask(&plats, hp[k]);
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* ask for the ids to compare */
            index_ask_key(&tables, ha[k], a[k]);
            index_ask_key(&plats, hp[k], p[k]);
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* the algorithm's table; ask for it */
            table[k] = index_get(&tables, ha[k], a[k]);
            cp[k] = index_get(&plats, hp[k], p[k]);
            if (table[k] != NULL) {
                if (!PyDict_CheckExact(table[k])) {
                    goto refused;
                }
                PREFETCH(table[k]);
            }
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* ask for the table's keys */
            if (table[k] != NULL && cp[k] != NULL) {
                char *keys = (char *)((PyDictObject *)table[k])->ma_keys;
                PREFETCH(keys);
                PREFETCH(keys + 64);
                PREFETCH(keys + 128);
            }
        }
        for (Py_ssize_t k = 0; k < m; k++) {  /* the row in the table; ask for it */
            found[k] = NULL;
            /* an unknown platform is in no table (their keys are all known ids) */
            if (table[k] != NULL && cp[k] != NULL) {
                found[k] = PyDict_GetItemWithError(table[k], cp[k]);
                if (found[k] == NULL && PyErr_Occurred()) {
                    goto done;
                }
                if (found[k] != NULL) {
                    PREFETCH(found[k]);
                }
            }
        }
        for (Py_ssize_t k = 0; k < m; k++) {
            int64_t value = -1;
            if (found[k] != NULL) {
                Py_ssize_t row = PyLong_AsSsize_t(found[k]);
                if (row == -1 && PyErr_Occurred()) {
                    goto done;
                }
                value = (int64_t)row;
            }
            memcpy(where + (start + k) * (Py_ssize_t)sizeof(int64_t), &value,
                   sizeof(int64_t));
        }
    }
    result = Py_NewRef(out);
    goto done;
missing:
    if (PyErr_Occurred()) {
        goto done;
    }
refused:
    result = Py_NewRef(Py_None);
done:
    index_free(&tables);
    index_free(&plats);
    Py_XDECREF(out);
    Py_DECREF(seq);
    return result;
}

static PyMethodDef methods[] = {
    {"deployment_ids", (PyCFunction)(void (*)(void))deployment_ids, METH_FASTCALL,
     "Each deployment's ids as spelled, its place filled in `tables`, or None."},
    {"filing_rows", (PyCFunction)(void (*)(void))filing_rows, METH_FASTCALL,
     "The deployment row of each filing (bytes of int64, -1: none), or None."},
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
