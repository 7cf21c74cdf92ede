; entry.asm - the multiboot header and the first instructions of a lab kernel (given code).
;
; A multiboot loader (lab86's --kernel, GRUB, QEMU's -kernel) finds the header in the
; first 8 KiB, loads the ELF kernel at 1 MiB and jumps to _start in 32-bit protected
; mode with paging off, EAX = 0x2BADB002 and EBX = the multiboot information. The GDT,
; IDT and stack are the loader's, not ours: setting up our own is the kernels' work.

bits 32

MB_MAGIC  equ 0x1BADB002
MB_FLAGS  equ 0x3                   ; page-align modules, give us the memory map
STACK_SIZE equ 16384

section .multiboot
align 4
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

section .bss
align 16
global boot_stack_top
boot_stack:
    resb STACK_SIZE
boot_stack_top:

section .text
global _start
extern kmain
_start:
    cli
    mov esp, boot_stack_top
    push ebx                        ; kmain(magic, multiboot info)
    push eax
    call kmain
    mov al, 0x10                    ; kmain returned: the run is over
    out 0xF4, al
.halt:
    hlt
    jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
