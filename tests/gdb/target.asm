; target.asm -- the guest the GDB stub's tests debug (tests/gdb/run.sh).
;
; A multiboot kernel small enough to reason about by hand, with ELF symbols
; so gdb can name things: _start calls bump five times; bump adds one to the
; dword counter; then _start prints "target: done" on the 0xE9 console and
; writes counter to the exit device (port 0xF4), so the run's exit status
; is (counter << 1) | 1 = 11. A test that changes counter through gdb sees
; a different status, which proves the write reached guest memory.
;
; Linked at 1 MiB by tests/guest/link.ld (code, then data at the next page).

bits 32

MB_MAGIC equ 0x1BADB002             ; multiboot v1 header magic
MB_FLAGS equ 0                      ; ELF: no address fields needed

section .multiboot
align 4
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

section .text
global _start, bump, finish

_start:
    mov esp, stack_top
    mov ecx, 5                      ; bump five times
.again:
    call bump
    loop .again
finish:
    mov esi, message
.print:
    lodsb
    test al, al
    jz .exit
    out 0xE9, al
    jmp .print
.exit:
    mov eax, [counter]
    out 0xF4, al                    ; status (counter << 1) | 1
    cli
    hlt

bump:                               ; counter += 1
    mov eax, [counter]
    add eax, 1
    mov [counter], eax
    ret

section .data
global counter
counter: dd 0
message: db "target: done", 10, 0

section .bss
align 16
    resb 4096
stack_top:
