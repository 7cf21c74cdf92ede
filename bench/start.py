#!/usr/bin/env python3
"""start.py LAB86 FIRST_BYTE_KERNEL HELLO_IMG OUTDIR -- `make bench`'s start-time benchmark.

Two questions, each asked of lab86 and of qemu-system-i386 on the very same image, in the
same run, rounds interleaved so that a slow spell of the host hits both alike:

  direct    host time from starting the emulator to the first byte on its serial port,
            booting a multiboot kernel directly (lab86 --kernel, qemu -kernel) that sends
            "first byte" to COM1 as its first work (bench/first_byte.asm);
            target: at most 20 ms for lab86.
  seabios   host time from starting the emulator to the boot sector's first line on COM1
            ("hello from the boot sector", guests/hello) through SeaBIOS (lab86's default
            firmware, and QEMU's own); target: at most 0.3 s for lab86.
  bochs, legacy  the same through lab86's other firmwares (--firmware bochs, legacy: the
            Bochs BIOS on the PC and the ISA board); QEMU has no such runs.

The figure is the median of ROUNDS runs (START_ROUNDS, default 7). Every run is ended as
soon as its marker appears (or after START_TIMEOUT seconds, default 20: then it counts as
failed). This measures and asserts nothing: it is not part of `make check`, its numbers
depend on the host, and a missing QEMU is reported and skipped. The table is printed and
saved to OUTDIR/start.txt.

Under the table, the one figure that does not depend on the host: how many instructions
and virtual cycles lab86 runs from reset to the boot sector's first instruction (a Lua
breakpoint at 0x7C00, `lab86 script`, on a copy of the image), the work that host time
divides among.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROUNDS = int(os.environ.get("START_ROUNDS", "7"))
TIMEOUT = float(os.environ.get("START_TIMEOUT", "20"))


def time_to_marker(argv, marker):
    """Seconds from spawning argv to marker on its stdout; None if it never came."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    seen = b""
    took = None
    os.set_blocking(p.stdout.fileno(), True)
    while time.monotonic() - start < TIMEOUT:
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
        if marker in seen:
            took = time.monotonic() - start
            break
    p.kill()
    p.wait()
    return took


COUNT_SCRIPT = """
local m = lab86.machine{hda = arg[1]}
m:breakpoint(0x7c00)
local why = m:run{max_cycles = 4e9}
print(why, m.instructions, m.cycles)
"""


def firmware_counts(lab86, hello, outdir):
    """A line with lab86's instructions and cycles from reset to 0x7C00 through SeaBIOS."""
    script = os.path.join(outdir, "start_counts.lua")
    image = os.path.join(outdir, "start_hello.img")
    with open(script, "w") as f:
        f.write(COUNT_SCRIPT)
    shutil.copyfile(hello, image)
    r = subprocess.run([lab86, "script", script, image], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TIMEOUT)
    words = r.stdout.split()
    if r.returncode != 0 or len(words) != 3 or words[0] != "breakpoint":
        return "lab86 to 0x7C00 through SeaBIOS: not measured (%s)" % (
            r.stderr.strip() or r.stdout.strip() or "status %d" % r.returncode)
    return "lab86 to 0x7C00 through SeaBIOS: %s instructions, %s virtual cycles" % (
        words[1], words[2])


def systems(lab86, kernel, hello):
    """(question, system, argv, marker) for every run of a round."""
    qemu = shutil.which("qemu-system-i386")
    qemu_base = [qemu, "-display", "none", "-serial", "stdio", "-monitor", "none",
                 "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    first = b"first byte"
    hi = b"hello from the boot sector"
    runs = [("direct", "lab86", [lab86, "run", "--kernel", kernel], first),
            ("seabios", "lab86", [lab86, "run", "--hda", hello, "--snapshot"], hi)]
    for fw in ("bochs", "legacy"):
        runs.append((fw, "lab86", [lab86, "run", "--firmware", fw, "--hda", hello,
                                   "--snapshot"], hi))
    if qemu:
        runs.append(("direct", "qemu", qemu_base + ["-kernel", kernel], first))
        runs.append(("seabios", "qemu", qemu_base + ["-drive", "file=%s,format=raw,snapshot=on"
                                                      % hello], hi))
    return runs, qemu


def main():
    if len(sys.argv) != 5:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    lab86, kernel, hello, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    runs, qemu = systems(lab86, kernel, hello)
    times = {(q, s): [] for q, s, _, _ in runs}
    failed = {(q, s): 0 for q, s, _, _ in runs}
    for _ in range(ROUNDS):
        for q, s, argv, marker in runs:
            t = time_to_marker(argv, marker)
            if t is None:
                failed[(q, s)] += 1
            else:
                times[(q, s)].append(t)
    lines = ["start time: median of %d runs, host wall time to the marker on COM1" % ROUNDS,
             "%-10s %-7s %10s %10s %10s %s" % ("question", "system", "median", "min", "max",
                                              "target")]
    targets = {"direct": 0.020, "seabios": 0.300, "bochs": 0.300, "legacy": 0.300}
    for q, s, _, _ in runs:
        ts = times[(q, s)]
        if not ts:
            lines.append("%-10s %-7s %10s  (every run failed)" % (q, s, "-"))
            continue
        med = statistics.median(ts)
        note = ""
        if s == "lab86":
            note = "<= %g ms: %s" % (targets[q] * 1000, "met" if med <= targets[q] else "MISSED")
        if failed[(q, s)]:
            note += " (%d runs failed)" % failed[(q, s)]
        lines.append("%-10s %-7s %8.1f ms %7.1f ms %7.1f ms %s" %
                     (q, s, med * 1000, min(ts) * 1000, max(ts) * 1000, note))
    if not qemu:
        lines.append("qemu-system-i386 is not installed: lab86 alone")
    lines.append(firmware_counts(lab86, hello, outdir))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(outdir, "start.txt"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
