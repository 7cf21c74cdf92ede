# session.gdb -- the gdb side of tests/gdb/run.sh: a whole debugging
# session on tests/gdb/target.asm. run.sh replaces @PORT@ and compares what
# gdb prints with session.expected (after dropping gdb's version-dependent
# chatter), so every command below has its expected answer there.
set pagination off
set confirm off
set height 0
set width 0
target remote 127.0.0.1:@PORT@
# Stopped before the first instruction (-S): the multiboot entry state.
printf "entry eip=%#x eax=%#x cs=%#x\n", $eip, $eax, $cs
printf "cr0=%#x\n", $cr0
# A hardware breakpoint on a symbol, and continue to it.
hbreak bump
continue
printf "at bump: eip=%#x ecx=%#x\n", $eip, $ecx
# Three single steps: mov eax,[counter]; add eax,1; mov [counter],eax.
stepi
printf "after 1 stepi: eip=%#x\n", $eip
stepi
stepi
printf "after 3 stepi: eip=%#x eax=%#x\n", $eip, $eax
x/4xb &counter
x/2i bump
delete
# A write watchpoint on counter: the second bump changes it from 1 to 2.
watch *(int *)&counter
continue
printf "watch stop: eip=%#x counter=%d\n", $eip, *(int *)&counter
delete
# A software breakpoint (Z0) on finish, reached after the fifth bump.
break finish
continue
printf "at finish: eip=%#x counter=%d ecx=%#x\n", $eip, *(int *)&counter, $ecx
# Write guest memory and a register: counter = 0x10 makes the exit status 33.
set var *(int *)&counter = 0x10
set var $ebx = 0x1234
printf "after writes: counter=%#x ebx=%#x\n", *(int *)&counter, $ebx
delete
continue
