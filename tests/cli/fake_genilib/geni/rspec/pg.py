"""geni.rspec.pg as a profile sees it: Request, RawPC, Execute; recorded."""
from geni import record


class Execute(object):
    def __init__(self, shell, command):
        self.shell = shell
        self.command = command


class Node(object):
    """A node whose attribute settings and services are recorded."""

    def __init__(self, name, kind):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "services", [])
        record("node", name=name, kind=kind)

    def __setattr__(self, attr, value):
        record("set", node=self.name, attr=attr, value=value)
        object.__setattr__(self, attr, value)

    def addService(self, service):
        record("addService", node=self.name, service=type(service).__name__,
               shell=service.shell, command=service.command)
        self.services.append(service)


class RawPC(Node):
    def __init__(self, name):
        Node.__init__(self, name, "RawPC")


class Request(object):
    def __init__(self):
        self.resources = []

    def addResource(self, r):
        self.resources.append(r)

    def RawPC(self, name):
        n = RawPC(name)
        self.addResource(n)
        return n

    def writeXML(self, path):
        record("writeXML", path=path, nodes=[n.name for n in self.resources])
