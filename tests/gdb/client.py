#!/usr/bin/env python3
"""client.py -- the GDB stub against a client that misbehaves (tests/gdb/run.sh).

    python3 client.py LAB86 DIR CORE

DIR holds spin.elf and target.elf. Starts `LAB86 run --kernel DIR/spin.elf
--gdb 0 -S` under interpreter CORE, reads the port from the
"lab86: gdb: listening on 127.0.0.1:PORT" line on its stderr, and speaks the
remote protocol by hand: packets with bad checksums, an oversized packet,
garbage between packets, unknown and malformed commands, a client that
disconnects in the middle of a packet, then a second client that reads the
target description, continues, interrupts with 0x03 and kills the machine.
Then the ends of a session: a client connecting to a running machine, the
guest's exit (W), the cycle limit (X18), and detach.
Every answer is checked; the first wrong one fails the test with a message.
The machine's cycle limit ends the run if the stub stops answering.
"""
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def frame(data):
    """A packet: $data#checksum."""
    if isinstance(data, str):
        data = data.encode()
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)


class Client:
    """One connection, reading what the stub sends byte by byte."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        # Acks and packets are tiny writes: without this, Nagle's algorithm
        # holds each one back until the last is acknowledged.
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def byte(self):
        while not self.buf:
            more = self.s.recv(65536)
            if not more:
                raise EOFError("the stub closed the connection")
            self.buf += more
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def ack(self):
        """The next '+' or '-'."""
        while True:
            b = self.byte()
            if b in (b"+", b"-"):
                return b

    def packet(self):
        """The next packet's data (checksum verified), acknowledged."""
        while self.byte() != b"$":
            pass
        data = b""
        while True:
            b = self.byte()
            if b == b"#":
                break
            data += b
        cs = self.byte() + self.byte()
        check(int(cs, 16) == sum(data) & 0xFF, "reply checksum of %r" % data[:40])
        self.s.sendall(b"+")
        return data

    def ask(self, data):
        """Send a packet; expect '+' and return the reply."""
        self.s.sendall(frame(data))
        a = self.ack()
        check(a == b"+", "packet %r acknowledged" % data[:40])
        return self.packet()

    def close(self):
        self.s.close()


def start(lab86, elf, core, *extra):
    p = subprocess.Popen([lab86, "run", "--kernel", elf, "--core", core, "--gdb", "0"] +
                         list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    prefix = "lab86: gdb: listening on 127.0.0.1:"
    check(line.startswith(prefix), "listening line: %r" % line)
    return p, int(line[len(prefix):])


def malformed(c):
    """Bad packets get '-' or the empty reply, and the stub goes on."""
    c.s.sendall(b"$g#00")
    check(c.ack() == b"-", "bad checksum refused with '-'")
    c.s.sendall(b"$g#zz")
    check(c.ack() == b"-", "checksum that is not hex refused with '-'")
    c.s.sendall(frame(b"m" + b"0" * 20000))
    check(c.ack() == b"-", "oversized packet refused with '-'")
    c.s.sendall(b"garbage between packets\r\n\x00\xff")
    check(c.ask("?").startswith(b"T05"), "'?' after garbage: a T05 stop reply")
    check(c.ask("jUnknown") == b"", "unknown command: empty reply")
    check(c.ask("") == b"", "empty packet: empty reply")
    check(c.ask("mzz,4").startswith(b"E"), "m with a bad address: error")
    check(c.ask("m100000,").startswith(b"E"), "m without a length: error")
    check(c.ask("Z0,100000").startswith(b"E"), "Z0 without a kind: error")
    check(c.ask("Z9,100000,1") == b"", "Z9: empty reply (no such kind)")
    check(c.ask("Z2,100000,0").startswith(b"E"), "watchpoint of length 0: error")
    check(c.ask("p999").startswith(b"E"), "p of no register: error")
    check(c.ask("P0=12").startswith(b"E"), "P with a short value: error")
    check(c.ask("G1234").startswith(b"E"), "G too short: error")
    check(c.ask("M100000,2:zz").startswith(b"E"), "M with bad hex: error")
    check(c.ask("mfffff000,4").startswith(b"E"), "m of no memory: error")
    check(c.ask("qRcmd,zz").startswith(b"E"), "qRcmd with bad hex: error")
    check(c.ask("vCont;x") .startswith(b"E"), "vCont with an unknown action: error")


def registers_and_memory(c):
    """g, p, m, M on the spin guest, stopped at its entry."""
    g = c.ask("g")
    check(len(g) == 2 * (16 * 4 + 8 * 10 + 8 * 4 + 4 * 4), "g: 36 registers, %d digits" % len(g))
    eip = int.from_bytes(bytes.fromhex(g[64:72].decode()), "little")
    check(eip == 0x100010, "g: eip is the entry 0x100010 (got %#x)" % eip)
    check(g[128:128 + 20] == b"x" * 20, "g: st0 unavailable ('x')")
    check(c.ask("p8") == g[64:72], "p8 is eip as in g")
    code = c.ask("m100010,5")
    check(code == b"31c040ebfd", "m: the guest's code, no 0xCC (got %r)" % code)
    check(c.ask("Z0,100012,1") == b"OK", "Z0 set")
    check(c.ask("m100012,1") == b"40", "m under a breakpoint shows the guest's byte")
    check(c.ask("z0,100012,1") == b"OK", "z0 removed")
    check(c.ask("M103000,4:78563412") == b"OK", "M into RAM")
    check(c.ask("m103000,4") == b"78563412", "m reads back what M wrote")
    check(c.ask("X103000,0:") == b"OK", "X probe (length 0)")
    check(c.ask(b"X103000,2:}\x03}]") == b"OK", "X with escaped bytes")
    check(c.ask("m103000,2") == b"237d", "X wrote '#' and '}' unescaped")
    check(c.ask(b"G" + g) == b"OK", "G with g's own values (x87 'x' digits included)")
    g2 = b"44332211" + g[8:]
    check(c.ask(b"G" + g2) == b"OK" and c.ask("p0") == b"44332211", "G changes eax only")
    check(c.ask(b"G" + g2 + b"00").startswith(b"E"), "G too long: error")
    check(c.ask("P0=efbeadde") == b"OK", "P0 sets eax")
    check(c.ask("p0") == b"efbeadde", "p0 reads it back")


def target_description(c):
    """qSupported, then target.xml in pieces: well-formed, i386, with crN."""
    sup = c.ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    check(b"PacketSize=" in sup and b"qXfer:features:read+" in sup, "qSupported: %r" % sup)
    xml, off = b"", 0
    while True:
        r = c.ask("qXfer:features:read:target.xml:%x,%x" % (off, 200))
        check(r[:1] in (b"m", b"l"), "qXfer piece starts with m or l")
        xml += r[1:]
        off += len(r) - 1
        if r[:1] == b"l":
            break
    root = ET.fromstring(xml)
    names = [r.get("name") for r in root.iter("reg")]
    check(root.findtext("architecture") == "i386", "target.xml: architecture i386")
    check(names[:16] == ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
                         "eflags", "cs", "ss", "ds", "es", "fs", "gs"], "target.xml: core order")
    check(names[-4:] == ["cr0", "cr2", "cr3", "cr4"], "target.xml: control registers")
    check(c.ask("qXfer:features:read:other.xml:0,100").startswith(b"E"), "unknown annex: error")
    check(c.ask("qAttached") == b"1", "qAttached: 1")
    check(c.ask("qC") == b"QC1", "qC: thread 1")
    check(c.ask("qfThreadInfo") == b"m1", "qfThreadInfo: m1")
    check(c.ask("qsThreadInfo") == b"l", "qsThreadInfo: l")
    check(c.ask("vCont?") == b"vCont;c;C;s;S", "vCont? lists c C s S")


def run_control(c):
    """Step, continue, interrupt with 0x03."""
    check(c.ask("vCont;s:1").startswith(b"T05"), "vCont;s: a step stops with T05")
    check(c.ask("p8") == b"12001000", "after one step from 0x100010 eip is 0x100012")
    c.s.sendall(frame("c"))
    check(c.ack() == b"+", "c acknowledged")
    c.s.sendall(b"\x03")
    check(c.packet().startswith(b"T02"), "0x03 interrupts the running machine: T02")
    eax = int.from_bytes(bytes.fromhex(c.ask("p0").decode()), "little")
    check(eax > 0, "the guest ran between c and the interrupt (eax %#x)" % eax)


def monitor(c, line):
    """qRcmd: the console text of the 'O' packets, and the final reply."""
    c.s.sendall(frame("qRcmd," + line.encode().hex()))
    check(c.ack() == b"+", "qRcmd %r acknowledged" % line)
    text = b""
    while True:
        r = c.packet()
        if not r.startswith(b"O") or r == b"OK":
            return text.decode(), r
        text += bytes.fromhex(r[1:].decode())


def monitor_commands(c):
    """monitor goes to the debugger's command language (ui/tui/cmd.h)."""
    text, r = monitor(c, "info registers")
    check(r == b"OK", "monitor info registers: OK")
    check("eip 0x00100010" in text.splitlines(), "monitor info registers: 'eip 0x00100010'")
    text, r = monitor(c, "x/2xb 0x100010")
    check(r == b"OK" and "0x31" in text and "0xc0" in text, "monitor x/2xb: %r" % text)


def misbehaving_clients(lab86, d, core):
    """One machine, stopped (-S), and a sequence of clients."""
    p, port = start(lab86, d + "/spin.elf", core, "-S", "--max-cycles", "20000000000")
    # First client: malformed input, then it leaves in the middle of a packet.
    c = Client(port)
    malformed(c)
    registers_and_memory(c)
    c.s.sendall(b"$m100010,")
    c.close()
    # Second client: the stub is still there, and the machine still stopped.
    c = Client(port)
    check(c.ask("?").startswith(b"T05"), "second client: '?' answers T05")
    monitor_commands(c)
    check(c.ask("QStartNoAckMode") == b"OK", "QStartNoAckMode: OK")
    c.s.sendall(frame("qC"))
    check(c.byte() == b"$", "no-ack mode: the reply comes without a '+'")
    c.buf = b"$" + c.buf
    check(c.packet() == b"QC1", "no-ack mode: qC answered")
    c.close()
    # Third client, acks on: the whole description and run control, then kill.
    c = Client(port)
    target_description(c)
    run_control(c)
    c.s.sendall(frame("k"))
    status = p.wait()
    err = p.stderr.read().decode()
    check(status == 130, "k ends lab86 with status 130 (got %d)" % status)
    check("lab86: gdb: killed at cycle" in err, "kill reported on stderr: %r" % err)


def running_start(lab86, d, core):
    """Without -S the machine runs; a client that connects stops it."""
    p, port = start(lab86, d + "/spin.elf", core, "--max-cycles", "20000000000")
    c = Client(port)
    check(c.ask("?").startswith(b"T02"), "connecting stops a running machine: T02")
    check(c.ask("Z0,100013,1") == b"OK", "Z0 on the loop's jmp")
    check(c.ask("c") == b"T05swbreak:;thread:1;", "continue stops at the Z0: swbreak")
    check(c.ask("p8") == b"13001000", "eip at the breakpoint, 0x100013")
    c.s.sendall(frame("k"))
    check(p.wait() == 130, "k: status 130")


def ends(lab86, d, core):
    """The ends of a run: the guest's exit (W), the cycle limit (X18), detach."""
    p, port = start(lab86, d + "/target.elf", core, "-S", "--max-cycles", "100000000")
    c = Client(port)
    check(c.ask("c") == b"W0b", "the guest's exit: W0b (counter 5, status 11)")
    check(p.wait() == 11, "lab86 ends with the guest's status 11")
    p, port = start(lab86, d + "/spin.elf", core, "-S", "--max-cycles", "1000000")
    c = Client(port)
    check(c.ask("c") == b"X18", "the cycle limit: X18 (SIGXCPU)")
    check(p.wait() == 6, "lab86 ends with status 6 (cycle limit)")
    p, port = start(lab86, d + "/target.elf", core, "-S", "--max-cycles", "100000000")
    c = Client(port)
    check(c.ask("Z1,100038,1") == b"OK", "Z1 on bump")
    check(c.ask("D") == b"OK", "D: OK")
    out = p.stdout.read()
    check(p.wait() == 11 and out == b"target: done\n",
          "after D the machine runs to its end, breakpoints gone (status 11)")


def main():
    lab86, d, core = sys.argv[1:4]
    misbehaving_clients(lab86, d, core)
    running_start(lab86, d, core)
    ends(lab86, d, core)
    if failures:
        print("client.py: %d checks failed" % len(failures))
        sys.exit(1)
    print("client.py: all checks passed")


if __name__ == "__main__":
    main()
