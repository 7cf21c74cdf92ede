; uswitch.asm - entering ring 3 and coming back (given).
;
; user_enter(eip, esp) saves the kernel's callee-saved registers and stack pointer, then
; builds the frame IRET expects for a return to an outer privilege level (SS, ESP,
; EFLAGS, CS, EIP: Intel SDM vol. 3, 6.12.1) and executes it. The CPU comes back to ring 0
; only through an interrupt or exception, on the stack the TSS names (SS0:ESP0). From
; there user_leave(value) drops whatever that stack holds and returns from user_enter
; with value, on the kernel stack user_enter saved.

bits 32
USER_CS equ 0x18 | 3
USER_DS equ 0x20 | 3

section .bss
saved_esp: resd 1

section .text
global user_enter, user_leave
user_enter:
    push ebp
    push ebx
    push esi
    push edi
    mov [saved_esp], esp
    mov eax, [esp + 20]             ; eip
    mov ecx, [esp + 24]             ; esp
    mov dx, USER_DS
    mov ds, dx
    mov es, dx
    mov fs, dx
    mov gs, dx
    push USER_DS                    ; SS
    push ecx                        ; ESP
    push 0x002                      ; EFLAGS: IF = 0, IOPL = 0
    push USER_CS                    ; CS
    push eax                        ; EIP
    iret

user_leave:
    mov eax, [esp + 4]
    mov esp, [saved_esp]
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
