"""Counts the Swift runtime's full conformance scans in a `crew` command, and says what asked for each (gdb Python).

A protocol-conformance lookup that misses the runtime's cache walks every conformance record in the binary (10,470 in
`crew` on December 6, 2026). This stops once per lookup and once per record visited; a lookup that visited more than
1,000 records is printed with its type, its protocol and the first two frames of crew's or a package's code that led
to it. Slow (minutes): run it on a binary without debug info.

  strip --strip-debug .build-static/release/crew -o /tmp/crew-s
  FAKE_KEY=x gdb -q -batch -ex 'source Benchmarks/orchestration/conformance_scans.py' \\
      -ex 'run run chain200.yaml --runs-dir /tmp/runs --quiet' /tmp/crew-s
  sort -rn /tmp/conformance-scans.txt | head
"""
import gdb

OUT = "/tmp/conformance-scans.txt"
OUTER = ("_ZL52swift_conformsToProtocolMaybeInstantiateSuperclassesPKN5swift14TargetMetadataINS_9InProcessEEEPKNS_"
         "24TargetProtocolDescriptorIS1_EEb")
INNER = ("_ZZZL52swift_conformsToProtocolMaybeInstantiateSuperclassesPKN5swift14TargetMetadataINS_9InProcessEEEPKNS_"
         "24TargetProtocolDescriptorIS1_EEbENK3$_2clERKN12_GLOBAL__N_118ConformanceSectionEENKUlRKNS_"
         "35TargetProtocolConformanceDescriptorIS1_EEE_clESH_")
state = {"current": None, "visited": 0, "rows": []}


def symbol(address):
    text = gdb.execute("info symbol %d" % address, to_string=True)
    return text.split(" in section")[0].strip()


def type_name(metadata):
    """The metadata's symbol, else its nominal type descriptor's (generic instantiations have no symbol)."""
    name = symbol(metadata)
    if not name.startswith("No symbol"):
        return name
    try:
        kind = int(gdb.parse_and_eval("*(long*)%d" % metadata))
        offset = 8 if kind < 0x800 else 64  # value types keep the descriptor at 8, classes at 64
        return "generic " + symbol(int(gdb.parse_and_eval("*(long*)(%d+%d)" % (metadata, offset))))
    except gdb.error:
        return "?"


def protocol_name(descriptor):
    """A protocol descriptor's name: a relative pointer at offset 8."""
    try:
        offset = int(gdb.parse_and_eval("*(int*)(%d+8)" % descriptor))
        return gdb.parse_and_eval("(char*)%d" % (descriptor + 8 + offset)).string()
    except gdb.error:
        return symbol(descriptor)


def callers():
    frames, frame = [], gdb.newest_frame()
    while frame is not None and len(frames) < 2:
        name = frame.name() or ""
        if name.startswith("$s") and not name.startswith(("$ss", "$sS")):  # not the standard library's
            frames.append(name[:100])
        frame = frame.older()
    return " < ".join(frames)


def finish_current():
    if state["current"] is not None:
        state["rows"].append((state["visited"], state["current"]))


class Lookup(gdb.Breakpoint):
    def stop(self):
        finish_current()
        # The runtime's own calling convention: the type comes in rsi and the protocol in rdx.
        metadata, descriptor = int(gdb.parse_and_eval("$rsi")), int(gdb.parse_and_eval("$rdx"))
        state["current"] = (type_name(metadata), protocol_name(descriptor), callers())
        state["visited"] = 0
        return False


class Record(gdb.Breakpoint):
    def stop(self):
        state["visited"] += 1
        return False


def report(_event):
    finish_current()
    with open(OUT, "w") as out:
        for visited, (name, protocol, where) in state["rows"]:
            if visited > 1000:
                out.write("%6d %-50s %-28s %s\n" % (visited, name[:50], protocol[:28], where))
    print("full scans: %d, written to %s" % (sum(1 for v, _ in state["rows"] if v > 1000), OUT))


gdb.execute("set pagination off")
Lookup(OUTER)
Record(INNER)
gdb.events.exited.connect(report)
