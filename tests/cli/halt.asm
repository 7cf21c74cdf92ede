; halt.asm -- halt with interrupts disabled: nothing can wake the CPU, lab86 ends with
; status 8 at once, whatever the cycle limit.
%include "mb.inc"
    cli
    hlt
image_end:
