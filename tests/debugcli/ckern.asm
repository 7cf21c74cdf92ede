; ckern.asm -- the kernel the debugger's command-line scripts step through (dbgc.cmds):
; this start-up code and the C in ckern_c.c (built with -g for a DWARF line table), linked
; at 1 MiB by tests/guest/link.ld; `lab86 debug --kernel` loads its symbols by itself.
;
;   _start   a stack, then kmain() in C: it prints on the 0xE9 console and leaves
;            sum_squares(3) = 14 in counter
;   paging   one page directory: linear 0-4 MiB mapped to itself by a 4 MiB page (CR4.PSE,
;            supervisor, writable), and one 4 KiB page at linear 0x400000 showing the
;            kernel's first page again (physical 0x100000), user and read-only
;   paged    reads the multiboot magic through that alias, then writes counter to the
;            exit device: status (14 << 1) | 1 = 29
;
; Every address in dbgc.expected follows from this file and ckern_c.c: keep them together.

bits 32

section .multiboot
align 4
    dd 0x1BADB002, 0, -0x1BADB002       ; magic, flags (none), checksum

section .text
global _start, paged
extern kmain, counter

_start:
    mov esp, stack_top
    call kmain
    mov eax, cr4
    or eax, 1 << 4                      ; CR4.PSE: a PDE with PS set maps 4 MiB
    mov cr4, eax
    mov dword [pd], 0x00000083          ; PDE 0: 4 MiB page at 0, PS | RW | P
    mov eax, pt
    or eax, 0x7                         ; PDE 1: the page table, US | RW | P
    mov [pd + 4], eax
    mov dword [pt], 0x00100005          ; PTE 0: linear 0x400000 -> 0x100000, US | P (read-only)
    mov eax, pd
    mov cr3, eax
    mov eax, cr0
    or eax, 1 << 31                     ; CR0.PG
    mov cr0, eax
paged:
    mov eax, [0x400000]                 ; the multiboot magic, through the alias
    mov al, [counter]
    out 0xf4, al                        ; the exit device
.hang:
    cli
    hlt
    jmp .hang

section .bss
pd:     resb 4096                       ; the page directory (.bss is page-aligned)
pt:     resb 4096                       ; the page table of linear 4-8 MiB
        resb 4096
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits ; no executable stack wanted
