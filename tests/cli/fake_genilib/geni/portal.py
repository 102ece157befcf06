"""geni.portal as a profile sees it, every call recorded.

As geni-lib's: a module-level Context, `context`; defineParameter(name,
description, typ, defaultValue, legalValues=None, ...); bindParameters()
reading `--name value` from the command line when run standalone, values
converted by type; reportError(ParameterError(message, paramList),
immediate=False); verifyParameters() printing the errors as a JSON list on
stderr and exiting with 100 plus their count; makeRequestRSpec();
printRequestRSpec(rspec=None), which verifies the parameters first.
"""
import argparse
import json
import sys
from argparse import Namespace

from geni import record
from geni.rspec.pg import Request


def parseBool(b):
    if isinstance(b, str):
        if b in ("False", "false"):
            return False
        if b in ("True", "true"):
            return True
    return bool(b)


class ParameterType(object):
    INTEGER = "integer"
    STRING = "string"
    BOOLEAN = "boolean"
    IMAGE = "image"
    AGGREGATE = "aggregate"
    NODETYPE = "nodetype"
    BANDWIDTH = "bandwidth"
    LATENCY = "latency"
    SIZE = "size"
    argparsemap = {INTEGER: int, STRING: str, BOOLEAN: parseBool, IMAGE: str,
                   AGGREGATE: str, NODETYPE: str, BANDWIDTH: float,
                   LATENCY: float, SIZE: int}


class PortalError(Exception):
    def __init__(self, message):
        super(PortalError, self).__init__()
        self.message = message

    def __str__(self):
        return self.__class__.__name__ + ": " + self.message


class ParameterError(PortalError):
    def __init__(self, message, paramList, fixedValues={}):
        super(ParameterError, self).__init__(message)
        self.params = paramList or []
        self.fixedValues = fixedValues or {}


class ParameterWarning(ParameterError):
    pass


class Context(object):
    def __init__(self):
        self._parameters = {}
        self._order = []
        self._errors = []
        self._warnings = []
        self._request = None

    def defineParameter(self, name, description, typ, defaultValue, legalValues=None,
                        longDescription=None, inputFieldHint=None, inputConstraints=None,
                        advanced=False, groupId=None, hide=False, multiValue=False,
                        min=None, max=None, itemDefaultValue=None, multiValueTitle=None,
                        prefix="emulab.net.parameter."):
        if typ not in ParameterType.argparsemap:
            raise PortalError("unknown parameter type '%s'" % typ)
        legal = [v[0] if isinstance(v, tuple) else v for v in legalValues] if legalValues else None
        if legal is not None and defaultValue not in legal:
            raise PortalError("default of '%s' is not a legal value" % name)
        record("defineParameter", name=name, type=typ, defaultValue=defaultValue,
               legalValues=legal, advanced=advanced)
        self._order.append(name)
        self._parameters[name] = dict(type=typ, default=defaultValue, legal=legal,
                                      description=description)

    def bindParameters(self, altParamSrc=None):
        parser = argparse.ArgumentParser()
        for name in self._order:
            p = self._parameters[name]
            parser.add_argument("--" + name, type=ParameterType.argparsemap[p["type"]],
                                default=p["default"], choices=p["legal"],
                                help=p["description"])
        ns = parser.parse_args()
        record("bindParameters", values=vars(ns))
        return Namespace(**vars(ns))

    def reportError(self, parameterError, immediate=False):
        record("reportError", type=type(parameterError).__name__,
               message=parameterError.message, params=parameterError.params)
        self._errors.append(parameterError)
        if immediate:
            self.verifyParameters()

    def reportWarning(self, parameterError):
        record("reportWarning", message=parameterError.message, params=parameterError.params)
        self._warnings.append(parameterError)

    def verifyParameters(self):
        record("verifyParameters", errors=len(self._errors))
        if not self._errors:
            return 0
        json.dump([dict(errorType=type(e).__name__, message=e.message, params=e.params)
                   for e in self._errors + self._warnings], sys.stderr)
        sys.exit(100 + len(self._errors))

    def makeRequestRSpec(self):
        record("makeRequestRSpec")
        self._request = Request()
        return self._request

    def printRequestRSpec(self, rspec=None):
        self.verifyParameters()
        record("printRequestRSpec")
        (rspec or self._request).writeXML(None)


context = Context()
