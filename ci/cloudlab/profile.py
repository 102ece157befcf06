"""efbench campaign: N bare-metal nodes, each benchmarking one revision.

A geni-lib profile for CloudLab.  Each node is a RawPC of one of the
hardware types asked for (round robin over the list), with the disk image
asked for, and a start-up service that runs ci/cloudlab/startup.sh: it
clones the repository at the revision into /local/efbench, runs
scripts/install-deps and then scripts/campaign-node, whose results land
in /local/results/NODE (bench.csv, bench.meta, node.log) and whose log is
/local/logs/efbench-startup.log.

Create the profile as a repository-based profile (CloudLab manual,
"Repository-Based Profiles") pointing at this repository: CloudLab clones
it into /local/repository on every node, which is where the start-up
service finds startup.sh, and the repository to clone defaults to that
clone.  Collect the results afterwards with scp or scripts/campaign.
"""

import shlex
import re

import geni.portal as portal
import geni.rspec.pg as pg

# CloudLab hardware types and whether their CPUs have protection keys
# (PKU, which the mpk runtime needs): Intel Xeon from Skylake-SP on, AMD
# from Zen 3 on.  "source" says where the CPU model comes from: "manual"
# for the hardware pages of the CloudLab manual (docs.cloudlab.us,
# "Hardware"), "issue" for the list in issue 21, not checked against the
# manual; pku "unknown" where the CPU model is not known here.
HARDWARE = {
    # type:        (CPU,                                   pku,       source)
    "c220g5":     ("2x Intel Xeon Silver 4114 (Skylake-SP)", "yes",     "issue"),
    "c6420":      ("2x Intel Xeon Gold 6142 (Skylake-SP)",   "yes",     "issue"),
    "r6525":      ("2x AMD EPYC 7543 (Zen 3)",               "yes",     "issue"),
    "c6525-25g":  ("AMD EPYC 7302P (Zen 2)",                 "no",      "issue"),
    "c6525-100g": ("AMD EPYC 7302P (Zen 2)",                 "no",      "issue"),
    "d6515":      ("AMD EPYC 7452 (Zen 2)",                  "no",      "issue"),
    "xl170":      ("Intel Xeon E5-2640 v4 (Broadwell)",      "no",      "issue"),
    "m510":       ("Intel Xeon D-1548 (Broadwell-DE)",       "no",      "manual"),
    "m400":       ("APM X-Gene, ARMv8 (no x86 PKU)",         "no",      "manual"),
    "c6220":      ("2x Intel Xeon E5-2650 v2 (Ivy Bridge)",  "no",      "manual"),
    "r320":       ("Intel Xeon E5-2450 (Sandy Bridge)",      "no",      "manual"),
    "c6620":      ("not known here",                         "unknown", "issue"),
}

# CloudLab's standard images of the distributions scripts/install-deps
# knows.  CloudLab's image list was not at hand for a Debian 12 image:
# another image is a URN of the same form given in disk_image.
IMAGES = [
    ("urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU22-64-STD", "Ubuntu 22.04"),
    ("urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU24-64-STD", "Ubuntu 24.04"),
]

MAX_NODES = 16
STARTUP = "/local/repository/ci/cloudlab/startup.sh"
# What may reach the start-up command line (it is quoted as well).
SAFE_REV = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/^~-]*$")
SAFE_URL = re.compile(r"^(/|https://|http://|git://|ssh://|[A-Za-z0-9._-]+@)[A-Za-z0-9._~:/@%+-]*$")

pc = portal.context
pc.defineParameter("node_count", "Number of nodes (1 to %d)" % MAX_NODES,
                   portal.ParameterType.INTEGER, 1)
pc.defineParameter("hardware_types", "Hardware types, comma-separated",
                   portal.ParameterType.STRING, "c220g5",
                   longDescription="Nodes take the types in turn: 'c220g5,c6420' "
                   "with 3 nodes gives c220g5, c6420, c220g5.  Known: "
                   + ", ".join("%s (%s, protection keys: %s)" % (t, c, k)
                               for t, (c, k, _) in sorted(HARDWARE.items())))
pc.defineParameter("require_pku", "Only hardware with protection keys",
                   portal.ParameterType.BOOLEAN, True,
                   longDescription="The mpk runtime needs PKU; without it its "
                   "benchmarks are skipped.  Off: any known type.")
pc.defineParameter("disk_image", "Disk image", portal.ParameterType.IMAGE,
                   IMAGES[0][0], IMAGES)
pc.defineParameter("repo_url", "Repository to clone",
                   portal.ParameterType.STRING, "/local/repository",
                   longDescription="Default: the profile's own repository, "
                   "which CloudLab clones into /local/repository.")
pc.defineParameter("revision", "Revision (commit, tag or branch)",
                   portal.ParameterType.STRING, "HEAD")
pc.defineParameter("quick", "Quick run (QUICK=1's repetitions)",
                   portal.ParameterType.BOOLEAN, False, advanced=True)
pc.defineParameter("bench_flags", "More efbench flags for make bench",
                   portal.ParameterType.STRING, "", advanced=True)
pc.defineParameter("timeout_hours", "Most hours the bench may take",
                   portal.ParameterType.INTEGER, 4, advanced=True)
params = pc.bindParameters()

types = [t.strip() for t in params.hardware_types.split(",") if t.strip()]
if not 1 <= params.node_count <= MAX_NODES:
    pc.reportError(portal.ParameterError(
        "node_count must be 1 to %d, not %d" % (MAX_NODES, params.node_count),
        ["node_count"]))
if not types:
    pc.reportError(portal.ParameterError("name at least one hardware type",
                                         ["hardware_types"]))
for t in types:
    if t not in HARDWARE:
        pc.reportError(portal.ParameterError(
            "unknown hardware type '%s' (known: %s)" % (t, ", ".join(sorted(HARDWARE))),
            ["hardware_types"]))
    elif params.require_pku and HARDWARE[t][1] != "yes":
        pc.reportError(portal.ParameterError(
            "%s (%s) has %s protection keys; turn require_pku off to use it"
            % (t, HARDWARE[t][0], "no" if HARDWARE[t][1] == "no" else "unknown"),
            ["hardware_types", "require_pku"]))
if not SAFE_REV.match(params.revision):
    pc.reportError(portal.ParameterError(
        "revision '%s' is not a commit, tag or branch name" % params.revision, ["revision"]))
if not SAFE_URL.match(params.repo_url):
    pc.reportError(portal.ParameterError(
        "repo_url '%s' is not a path or a git URL" % params.repo_url, ["repo_url"]))
if "'" in params.bench_flags or '"' in params.bench_flags:
    pc.reportError(portal.ParameterError("bench_flags: no quotes", ["bench_flags"]))
if params.timeout_hours < 1:
    pc.reportError(portal.ParameterError("timeout_hours must be at least 1",
                                         ["timeout_hours"]))
pc.verifyParameters()


def startup_command(name):
    """The start-up service's command line for node NAME."""
    args = ["sh", STARTUP, "--repo", params.repo_url, "--rev", params.revision,
            "--out", "/local/results/" + name,
            "--timeout", str(params.timeout_hours * 3600)]
    if params.quick:
        args.append("--quick")
    if params.bench_flags:
        args += ["--bench-flags", params.bench_flags]
    return " ".join(shlex.quote(a) for a in args)


request = pc.makeRequestRSpec()
for i in range(params.node_count):
    hw = types[i % len(types)]
    name = "node%d-%s" % (i, hw)
    node = request.RawPC(name)
    node.hardware_type = hw
    node.disk_image = params.disk_image
    node.addService(pg.Execute(shell="sh", command=startup_command(name)))
pc.printRequestRSpec(request)
