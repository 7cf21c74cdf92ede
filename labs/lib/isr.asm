; isr.asm - interrupt entry points for the lab kernels (given code).
;
; Vectors 8, 10-14 and 17 push an error code; for the others the stub pushes a 0 so that
; every trap frame has the same layout (trap.h). The common path saves the general and
; segment registers, loads the kernel's data segment (selector 0x10: the labs' GDT puts
; flat ring-0 data there), and calls trap(struct trapframe *).

bits 32
extern trap

%macro STUB 1
isr_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17
%else
    push 0
%endif
    push %1
    jmp isr_common
%endmacro

section .text
%assign v 0
%rep 48
STUB v
%assign v v+1
%endrep
STUB 128

isr_common:
    pushad
    push ds
    push es
    push fs
    push gs
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    push esp                        ; trap(tf)
    call trap
    add esp, 4
    pop gs
    pop fs
    pop es
    pop ds
    popad
    add esp, 8                      ; vector and error code
    iret

section .data
global isr_stubs
isr_stubs:
%assign v 0
%rep 48
    dd isr_%[v]
%assign v v+1
%endrep
    dd isr_128

section .note.GNU-stack noalloc noexec nowrite progbits
