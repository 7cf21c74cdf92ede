; idle.asm -- halt with interrupts enabled.  An interrupt could wake the CPU, but the
; minimal machine has no device that raises one: lab86 moves the clock on to the
; --max-cycles limit and ends with status 6.
%include "mb.inc"
    sti
    hlt
    mov al, 0x11                            ; never reached: nothing wakes the CPU
    out PORT_EXIT, al
image_end:
