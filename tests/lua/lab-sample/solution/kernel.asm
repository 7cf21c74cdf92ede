; kernel.asm -- the sample lab's solution (tests/lua/lab-sample/README.md).
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
    ; one page table mapping 0-4 MiB, used by PDE 0 and PDE 768 (0xC0000000)
    mov edi, page_table
    mov eax, 0x003                      ; present, writable
    mov ecx, 1024
.fill:
    stosd
    add eax, 4096
    loop .fill
    mov dword [page_dir], page_table + 3
    mov dword [page_dir + 768 * 4], page_table + 3
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov esi, msg_paging
    call puts
    mov dword [0x7000], 0x1234
    mov esi, msg_done
    call puts
    mov ebx, 42
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
