; stage2_entry.asm - the first bytes of lab 1's second stage (given).
;
; The boot sector jumps here, to 0x10000, in 32-bit protected mode with flat segments.
; The signature lets a grader (and you, in the debugger: x/2xw 0x10004) see that the
; sectors arrived where they belong.

bits 32
section .stage2_entry
global stage2_start
extern stage2_main
stage2_start:
    jmp short .go
    align 4
    db "LAB1STG2"                   ; at 0x10004
.go:
    mov esp, 0x90000
    call stage2_main
.halt:
    hlt
    jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
