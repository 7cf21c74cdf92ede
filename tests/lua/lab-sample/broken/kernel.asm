; kernel.asm -- the sample lab, done wrong: no paging, EBX off by one (tests/lua/lab-sample/README.md).
bits 32
section .multiboot
    dd 0x1BADB002, 0, -0x1BADB002

section .text
global _start
_start:
    mov esp, stack_top
    mov esi, msg_hello
    call puts
    xor eax, eax
    cpuid
    ; (no paging yet)
    mov dword [0x7000], 0x1234
    mov esi, msg_done
    call puts
    mov ebx, 41                         ; off by one
    mov al, 0x10
    out 0xF4, al
    jmp $

puts:
    mov dx, 0x3F8
.next:
    lodsb
    test al, al
    jz .end
    out dx, al
    jmp .next
.end:
    ret

msg_hello:  db "hello, lab", 10, 0
msg_paging: db "paging on", 10, 0
msg_done:   db "done", 10, 0

section .bss
alignb 4096
page_dir:   resb 4096
page_table: resb 4096
    resb 4096
stack_top:
