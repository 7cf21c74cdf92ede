#!/usr/bin/env python3
"""linux.py LAB86 KERNEL INITRD OUTDIR -- `make bench-linux`: boot Debian's i386 Linux to
its busybox prompt on lab86 and on qemu-system-i386 (TCG), same kernel, initramfs and
command line, rounds interleaved; prints the host seconds of each (median) and lab86's
ratio to QEMU. Issue 7's target: lab86 takes at most 2x QEMU's time.

The marker is the line tests/linux/init.sh prints once /init runs ("lab86-linux: ...
cpus online"). Measures and asserts nothing; not part of `make check`. The kernel and the
initramfs come from tests/linux (fetch.sh, mkinitrd.sh): bench/linux.mk prepares them.
"""
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("START_TIMEOUT", "600")
import start  # noqa: E402  (time_to_marker; START_TIMEOUT read at import)

ROUNDS = int(os.environ.get("LINUX_ROUNDS", "3"))
APPEND = "console=ttyS0 panic=-1 cryptomgr.notests"
MARKER = b"lab86-linux: 1 cpus online"


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: linux.py LAB86 KERNEL INITRD OUTDIR")
    lab86, kernel, initrd, outdir = sys.argv[1:]
    qemu = shutil.which("qemu-system-i386")
    runs = [("lab86", [lab86, "run", "--kernel", kernel, "--initrd", initrd, "-m", "128",
                       "--append", APPEND])]
    if qemu:
        runs.append(("qemu", [qemu, "-kernel", kernel, "-initrd", initrd, "-m", "128",
                              "-append", APPEND, "-display", "none", "-serial", "stdio",
                              "-monitor", "none", "-no-reboot", "-cpu", "pentium3"]))
    times = {name: [] for name, _ in runs}
    for _ in range(ROUNDS):
        for name, argv in runs:
            t = start.time_to_marker(argv, MARKER)
            if t is not None:
                times[name].append(t)
    lines = ["linux boot to the busybox prompt (host seconds, median of %d)" % ROUNDS]
    med = {}
    for name, _ in runs:
        if times[name]:
            med[name] = statistics.median(times[name])
            lines.append("  %-6s %8.2f s   (runs: %s)" % (name, med[name],
                                                     " ".join("%.2f" % t for t in times[name])))
        else:
            lines.append("  %-6s   failed (no prompt within %s s)" % (name, start.TIMEOUT))
    if not qemu:
        lines.append("  qemu   not installed: make bench installs it (qemu-system-x86)")
    if "lab86" in med and "qemu" in med:
        lines.append("  lab86 / qemu = %.2f (target: at most 2.00)" % (med["lab86"] / med["qemu"]))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "linux.txt"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
