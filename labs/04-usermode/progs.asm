; progs.asm - the user programs lab 4's kernel runs, one after the other (given).
;
; Everything a program touches lies between user_start and user_end: its code, its
; strings and its stack. Each program is entered in ring 3 at its label.

bits 32
SYS_WRITE  equ 1
SYS_EXIT   equ 2
SYS_GETPID equ 3

%macro WRITE 1                      ; write(the string %1)
    mov eax, SYS_WRITE
    mov ebx, %1
    mov ecx, %1 %+ _len
    int 0x80
%endmacro
%macro EXIT 1
    mov eax, SYS_EXIT
    mov ebx, %1
    int 0x80
%endmacro

section .user progbits alloc exec write align=4096
global user_start, user_end, prog_hello, prog_cli, prog_getpid, prog_badptr, prog_io
global user_stack_top
user_start:

prog_hello:                         ; writes a line and exits with 0
    WRITE hello
    EXIT 0

prog_cli:                           ; a privileged instruction: #GP in ring 3
    WRITE cli_msg
    cli
    EXIT 0

prog_getpid:                        ; exits with its own number
    mov eax, SYS_GETPID
    int 0x80
    mov ebx, eax
    mov eax, SYS_EXIT
    int 0x80

prog_badptr:                        ; hands the kernel a pointer into the kernel: -1
    mov eax, SYS_WRITE
    mov ebx, 0x100000
    mov ecx, 16
    int 0x80
    mov ebx, eax
    mov eax, SYS_EXIT
    int 0x80

prog_io:                            ; port I/O with IOPL 0 and no I/O bitmap: #GP
    in al, 0x60
    EXIT 0

hello: db "hello from ring 3", 10
hello_len equ $ - hello
cli_msg: db "about to cli", 10
cli_msg_len equ $ - cli_msg

align 16
    times 4096 db 0
user_stack_top:
user_end:

section .note.GNU-stack noalloc noexec nowrite progbits
