; dbgkern.asm - the guest kernel of the debugger-core suites (test_dbgio.c,
; test_events.c, test_symbols.c): a multiboot ELF, linked with dbgkern_c.c
; (built with -g, for the DWARF line table) by tests/guest/link.ld.
;
; It does a known number of each trap event, in this order, so the suites
; can compare the counters and the event ring with what it executed:
;
;   cpuid_part   CPUID three times                           3 cpuid
;   post_part    OUT to port 0x80 five times (AL = 0..4),     5 io (out)
;                then REP OUTSB of three bytes there          3 io (out)
;   the_out      OUT 0x5A to port 0x404 (nobody's port)       1 io (out)
;   the_in       IN from port 0x404 (reads 0xFF)              1 io (in)
;   mmio_part    one word stored in the VGA text memory       1 mmio
;   serial_part  "boot ok\r\nlogin: " to COM1, a byte an OUT  16 io (out)
;   c_call       c_add(3, 2) in C
;   exc_part     an IDT with gates for #GP, INT 0x1F and IRQ 0;
;                MOV DS with a selector beyond the loader's   1 exception
;                GDT (#GP(0x1230): the handler skips it), INT 0x1F   1 swint
;   irq_part     the PICs (6 OUTs)                            6 io
;                and PIT counter 0 (3 OUTs), then a counting  3 io
;                loop with interrupts on: the handler counts   1 io per tick
;                the ticks in [ticks] and sends an EOI
;   hlt_part     HLT with interrupts on, woken by a tick      1 hlt
;   flood_part   interrupts off, REP OUTSB of FLOOD bytes     FLOOD io
;                to port 0x80: more events than the debugger's ring holds
;   sys_part     its own GDT (LGDT), a TSS (LTR), an LDT      3 desc
;                (LLDT); paging on with one page table (CR3,  5 cr
;                CR0 read and written), at sys_paged, and off
;                again (CR0 read and written). The page table maps
;                0-1 MiB supervisor RW, 1-2 MiB user RW, 2-3 MiB
;                supervisor read-only, nothing above.
;   exit         OUT to 0xF4: the exit device, code 7         1 io
;
; The loader's flat CS 0x08 is used as it is (no GDT of its own).

bits 32

SERIAL_LEN      equ 16
SPIN_COUNT      equ 3000
FLOOD           equ 5000
PIT_COUNT       equ 40              ; a tick every 40 PIT pulses: ~3350 cycles

section .multiboot
align 4
    dd 0x1BADB002, 0, -0x1BADB002

section .text
global _start, cpuid_part, post_part, the_out, after_out, the_in, mmio_part, serial_part
global serial_out, c_call, irq_part, spin, spin_end, hlt_part, the_hlt, exit_part
global irq0_handler, gp_handler, swint_handler, exc_part, the_gp, the_int, ticks, msg, flood_part, sys_part, sys_paged, tss, ldt, gdt
extern c_add

_start:
    mov esp, stack_top
cpuid_part:
    mov ecx, 3
.again:
    push ecx
    mov eax, 1
    cpuid
    pop ecx
    loop .again
post_part:
    mov dx, 0x80
    xor eax, eax
.post:
    out dx, al
    inc eax
    cmp eax, 5
    jne .post
    mov esi, post_bytes
    mov ecx, 3
    cld
    rep outsb
    mov dx, 0x404
    mov al, 0x5a
the_out:
    out dx, al
after_out:
the_in:
    in al, dx
    mov [in_value], al
mmio_part:
    mov word [0xb8000], 0x0741
serial_part:
    mov esi, msg
    mov dx, 0x3f8
serial_next:
    lodsb
    test al, al
    jz c_call
serial_out:
    out dx, al
    jmp serial_next
c_call:
    push 2
    push 3
    call c_add
    add esp, 8
    mov [c_result], eax
exc_part:
    mov eax, gp_handler
    mov edi, idt + 13 * 8
    call set_gate
    mov eax, swint_handler
    mov edi, idt + 0x1f * 8
    call set_gate
    mov eax, irq0_handler
    mov edi, idt + 0x20 * 8
    call set_gate
    lidt [idtr]
    mov ax, 0x1230                      ; GDT index 0x246: beyond the loader's GDT
the_gp:
    mov ds, ax                          ; 8E D8: #GP(0x1230), skipped by the handler
the_int:
    int 0x1f
irq_part:
    mov al, 0x11                        ; ICW1: edge, cascade, ICW4
    out 0x20, al
    mov al, 0x20                        ; ICW2: IRQ 0 -> vector 0x20
    out 0x21, al
    mov al, 0x04                        ; ICW3: a slave on IR2
    out 0x21, al
    mov al, 0x01                        ; ICW4: 8086 mode
    out 0x21, al
    mov al, 0xfe                        ; only IRQ 0
    out 0x21, al
    mov al, 0xff
    out 0xa1, al
    mov al, 0x34                        ; counter 0, LSB then MSB, mode 2
    out 0x43, al
    mov al, PIT_COUNT
    out 0x40, al
    xor al, al
    out 0x40, al
    mov ecx, SPIN_COUNT
    xor edi, edi
    sti
spin:
    inc edi
    dec ecx
    jnz spin
spin_end:
hlt_part:
the_hlt:
    hlt
    cli
flood_part:
    mov esi, 0x100000
    mov ecx, FLOOD
    mov dx, 0x80
    rep outsb
sys_part:
    mov edi, gdt + 0x18                 ; the TSS descriptor's base
    mov eax, tss
    call set_base
    mov edi, gdt + 0x20                 ; the LDT descriptor's base
    mov eax, ldt
    call set_base
    lgdt [gdtr]
    mov ax, 0x18
    ltr ax
    mov ax, 0x20
    lldt ax
    mov edi, pt                         ; identity map 0-3 MiB, rights by MiB
    xor ebx, ebx
.map:
    mov eax, ebx
    shl eax, 12
    or eax, 3                           ; P RW: supervisor, writable
    cmp ebx, 256
    jb .put
    or eax, 4                           ; US: user
    cmp ebx, 512
    jb .put
    and eax, ~6                         ; P only: supervisor, read-only
.put:
    mov [edi + ebx * 4], eax
    inc ebx
    cmp ebx, 768
    jne .map
    mov eax, pt
    or eax, 7
    mov [pd], eax
    mov eax, pd
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
sys_paged:
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
exit_part:
    mov al, 7
    out 0xf4, al
    jmp $

; set_gate: a present DPL-0 32-bit interrupt gate to EAX in CS 0x08, at EDI.
set_gate:
    mov [edi], ax
    mov word [edi + 2], 0x08
    mov word [edi + 4], 0x8e00
    shr eax, 16
    mov [edi + 6], ax
    ret

; #GP: drop the error code and return past the 2-byte MOV DS that faulted.
gp_handler:
    add esp, 4
    add dword [esp], 2
    iret

swint_handler:
    iret

; set_base: the base EAX into the descriptor at EDI (bytes 2-4 and 7).
set_base:
    mov [edi + 2], ax
    shr eax, 16
    mov [edi + 4], al
    mov [edi + 7], ah
    ret

irq0_handler:
    push eax
    inc dword [ticks]
    mov al, 0x20
    out 0x20, al
    pop eax
    iret

section .data
msg:        db "boot ok", 13, 10, "login: ", 0
post_bytes: db 0xa, 0xb, 0xc
align 4
idtr:       dw 0x21 * 8 - 1
            dd idt
ticks:      dd 0
c_result:   dd 0
in_value:   db 0
align 8
gdt:        dq 0
            dq 0x00cf9a000000ffff       ; 0x08: flat code, as the loader's
            dq 0x00cf92000000ffff       ; 0x10: flat data
            dq 0x0000890000000067       ; 0x18: 32-bit TSS, limit 103 (base set above)
            dq 0x0000820000000017       ; 0x20: LDT of 3 entries (base set above)
gdtr:       dw 5 * 8 - 1
            dd gdt
ldt:        dq 0
            dq 0x1240f23400000fff       ; 32-bit data RW DPL 3, base 0x12340000, limit 0xFFF
            dq 0
tss:        dd 0                        ; previous task link
            dd 0x12345678               ; ESP0
            dd 0x10                     ; SS0
            times 22 dd 0               ; ESP1 .. LDT selector
            dw 0                        ; T
            dw 104                      ; I/O map base: none

section .bss
align 4096
pd:         resb 4096
pt:         resb 4096
idt:        resb 0x21 * 8
            resb 4096
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
