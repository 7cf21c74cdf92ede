# realmode.gdb -- gdb on the hello boot sector in real mode (tests/gdb/run.sh):
# the Bochs legacy BIOS loads it to 0000:7C00 and jumps there. gdb's
# addresses are linear and its pc is EIP, which agree while CS is 0, as it
# is here. run.sh replaces @PORT@ and compares with realmode.expected.
set pagination off
set confirm off
set height 0
set width 0
target remote 127.0.0.1:@PORT@
hbreak *0x7c00
continue
printf "cs=%#x eip=%#x dl=%#x\n", $cs, $eip, $edx & 0xff
# The first bytes of guests/hello/hello.asm: cli; xor ax,ax; mov ds,ax.
x/5xb 0x7c00
stepi
printf "after cli: eip=%#x if=%d\n", $eip, ($eflags >> 9) & 1
stepi
printf "after xor: eip=%#x ax=%#x\n", $eip, $eax & 0xffff
delete
continue
