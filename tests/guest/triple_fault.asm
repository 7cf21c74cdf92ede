; triple_fault.asm -- an exception the CPU cannot deliver, even as a double fault,
; shuts the processor down.
;
; Intel SDM vol. 3, 6.15 "Interrupt 8 -- Double Fault Exception": "If another exception
; occurs while attempting to call the double-fault handler, the processor enters
; shutdown mode" (a triple fault); on a PC the chipset turns the shutdown cycle into a
; reset.  6.10/6.12.1.1: a vector whose gate lies beyond the IDT limit raises #GP with
; error code vector * 8 + 2 (+ EXT).
;
; Here the IDT limit is 0, so no gate is reachable:
;   UD2 -> #UD: vector 6 beyond the limit -> #GP(6*8+2+1)
;       -> vector 13 beyond the limit while delivering #GP: contributory on contributory
;       -> #DF -> vector 8 beyond the limit -> shutdown.
;
; This is the one test whose success is not reported by the guest: lab86 must stop with
; exit status 4 ("triple fault").  The PASS line is printed first so that the run has
; one; a FAIL line and exit 0x11 follow only if execution somehow goes on.  Under QEMU,
; -no-reboot turns the reset into an exit with status 0.

%include "lib.inc"

section .text
test_main:
    PASS "about to triple fault"
    lidt [empty_idt]
    ud2
    FAIL "triple_fault", "UD2 with an empty IDT did not shut the CPU down"
    ret

section .data
align 4
    dw 0
empty_idt:
    dw 0                            ; limit 0: not even gate 0 fits
    dd 0
