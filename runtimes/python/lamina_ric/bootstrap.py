"""Loads the handler, then serves invocations from the Runtime API until the process is stopped."""
import importlib
import json
import logging
import os
import sys
import time
import traceback

from lamina_ric.context import LambdaContext
from lamina_ric.runtime_api import PayloadTooLarge, RuntimeApi


class InitFault(Exception):
    """An init error with AWS's errorType (Runtime.ImportModuleError, ...)."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def _stack(tb):
    return traceback.format_list(traceback.extract_tb(tb))


def error_shape(exc, request_id=""):
    """AWS's error body: {errorMessage, errorType, requestId, stackTrace}."""
    if isinstance(exc, InitFault):
        return {"errorMessage": exc.message, "errorType": exc.error_type, "requestId": request_id,
                "stackTrace": exc.trace}
    return {"errorMessage": str(exc), "errorType": type(exc).__name__, "requestId": request_id,
            "stackTrace": _stack(exc.__traceback__)}


def load_handler(handler):
    """'module.function' or 'dir/module.function' (relative to LAMBDA_TASK_ROOT) → the callable."""
    try:
        module_path, function_name = handler.rsplit(".", 1)
        if not module_path or not function_name:
            raise ValueError("not enough values to unpack (expected 2, got 1)")
    except ValueError as e:
        raise InitFault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e)) from None
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise InitFault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e)) from None
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s\n' % (e.filename, e.lineno, (e.text or "").strip())]
        raise InitFault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e),
                        trace) from None
    function = getattr(module, function_name, None)
    if function is None or not callable(function):
        raise InitFault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return function


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = _RequestIdFilter.request_id
        return True


def setup_logging():
    """The root logger writes AWS's text format: [LEVEL]\\tTIMESTAMP\\tREQUEST_ID\\tMESSAGE."""
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                                  "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        root.setLevel(level)


def _log_error(error):
    sys.stdout.write("[ERROR] %s: %s\n" % (error["errorType"], error["errorMessage"]))
    sys.stdout.flush()


def handle(api, function, request_id, headers, body):
    _RequestIdFilter.request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        event = json.loads(body) if body else {}
    except ValueError as e:
        _fail(api, request_id, _runtime_error("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e, request_id))
        return
    try:
        result = function(event, LambdaContext(request_id, headers))
    except Exception as e:
        _fail(api, request_id, error_shape(e, request_id))
        return
    try:
        payload = json.dumps(result).encode("utf-8")
    except (TypeError, ValueError) as e:
        _fail(api, request_id, _runtime_error("Runtime.MarshalError", "Unable to marshal response: %s" % e, request_id))
        return
    try:
        api.respond(request_id, payload)
    except PayloadTooLarge as e:
        _fail(api, request_id, _runtime_error("Function.ResponseSizeTooLarge", str(e), request_id))


def _runtime_error(error_type, message, request_id):
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": []}


def _fail(api, request_id, error):
    _log_error(error)
    api.error(request_id, error)


def run(handler):
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("lamina_ric: AWS_LAMBDA_RUNTIME_API is not set (run the image, or lamina-init, to get one)\n")
        sys.exit(2)
    api = RuntimeApi(address)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    setup_logging()
    try:
        function = load_handler(handler)
    except Exception as e:  # any exception at import time fails init, as on AWS
        error = error_shape(e)
        _log_error(error)
        api.init_error(error)
        sys.exit(1)
    while True:
        request_id, headers, body = api.next()
        handle(api, function, request_id, headers, body)
