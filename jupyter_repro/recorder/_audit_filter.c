/* The file tracker's audit hook, filtered in C.
 *
 * Once a Python audit hook is installed (sys.addaudithook), CPython calls it for every audit
 * event of the process: builtins.id, object.__getattr__, exec, import... Each call costs about
 * 0.4 us whatever the hook does, mostly CPython's own machinery around a Python-level hook;
 * importing statsmodels raises about 95,000 events (copy.deepcopy calls id() for each object it
 * copies), 45 ms with a hook that returns at once. A runtime hook registered from C
 * (PySys_AddAuditHook) is called without that machinery, and this one hands the Python callback
 * only the four events the tracker records: the import costs the same as in a plain kernel.
 *
 * install(callback) registers the hook once per process (it cannot be removed, like a Python
 * one); a second call replaces the callback. The hook never fails an event: an exception in the
 * callback is cleared (the callback reports its own failures), and events raised in another
 * interpreter than the installer's are ignored, for the callback belongs to that one.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static PyObject *callback = NULL;
static PyInterpreterState *owner = NULL;

static int
watched(const char *event)
{
    switch (event[0]) {
    case 'o':
        return strcmp(event, "open") == 0 || strcmp(event, "os.rename") == 0 ||
               strcmp(event, "os.remove") == 0;
    case 's':
        return strcmp(event, "sqlite3.connect") == 0;
    default:
        return 0;
    }
}

static int
hook(const char *event, PyObject *args, void *data)
{
    (void)data;
    if (callback == NULL || event == NULL || args == NULL || !watched(event)) {
        return 0;
    }
    if (PyInterpreterState_Get() != owner) {
        return 0;
    }
    PyObject *name = PyUnicode_FromString(event);
    if (name == NULL) {
        PyErr_Clear();
        return 0;
    }
    PyObject *result = PyObject_CallFunctionObjArgs(callback, name, args, NULL);
    Py_DECREF(name);
    if (result == NULL) {
        PyErr_Clear();
    }
    else {
        Py_DECREF(result);
    }
    return 0;
}

static PyObject *
install(PyObject *module, PyObject *function)
{
    (void)module;
    if (!PyCallable_Check(function)) {
        PyErr_SetString(PyExc_TypeError, "install() needs a callable");
        return NULL;
    }
    if (callback != NULL) {
        Py_INCREF(function);
        Py_SETREF(callback, function);
        Py_RETURN_FALSE;
    }
    owner = PyInterpreterState_Get();
    if (PySys_AddAuditHook(hook, NULL) < 0) {
        return NULL; /* another hook refused "sys.addaudithook" */
    }
    Py_INCREF(function);
    callback = function;
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"install", install, METH_O,
     "install(callback): call callback(event, args) for the file events the tracker records "
     "(open, os.rename, os.remove, sqlite3.connect), and for no other. True the first time."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_audit_filter",
    "The file tracker's audit hook, filtered in C (see _audit_filter.c).", -1, methods,
};

PyMODINIT_FUNC
PyInit__audit_filter(void)
{
    return PyModule_Create(&module);
}
