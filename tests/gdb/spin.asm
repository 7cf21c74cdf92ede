; spin.asm -- a guest that never ends (tests/gdb/client.py): it counts in
; EAX forever, so only a Ctrl-C from gdb (0x03), a kill or the cycle
; limit stops it.

bits 32

MB_MAGIC equ 0x1BADB002             ; multiboot v1 header magic
MB_FLAGS equ 0                      ; ELF: no address fields needed

section .multiboot
align 4
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

section .text
global _start
_start:
    xor eax, eax
.forever:
    inc eax
    jmp .forever
