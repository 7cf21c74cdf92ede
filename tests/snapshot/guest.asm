; guest.asm -- the guest the snapshot and reverse-execution tests run
; (tests/unit/test_snapshot.c, test_reverse.c, tests/snapshot/run.sh).
;
; A flat multiboot kernel (the a.out kludge, loaded at 1 MiB) that keeps
; every part of the machine a snapshot must carry busy at once:
;
;   * the PIT ticks IRQ 0 through the 8259A (a clock timer with an absolute
;     deadline), and the main loop HLTs every fourth round to wait for it;
;   * paging is on, and 16 pages at 0x1C0000 are demand-paged: the #PF
;     handler maps the page CR2 names, and every 16th round unmaps them all
;     again (a CR3 reload), so page faults keep coming;
;   * COM1 raises IRQ 4 for received bytes, which the handler folds into
;     RXSUM (order matters: it rotates first), and the loop sends a '.' to
;     COM1 and to the debug console every fourth round.
;
; After 40 timer ticks it prints COUNTER, SUM, RXSUM, FAULTS and TICKS in
; hex on the debug console and exits through 0xF4 with 0x10 (status 33).
; The tests' breakpoint is loop_head, at 0x100300 (LOOP_HEAD below).

bits 32
org 0x100000

BASE      equ 0x100000
PD        equ 0x110000          ; page directory
PT        equ 0x111000          ; the page table of the first 4 MiB
IDT       equ 0x112000          ; 256 interrupt gates
DATA      equ 0x113000          ; the counters below
TICKS     equ DATA + 0          ; timer interrupts taken
RXSUM     equ DATA + 4          ; received bytes, folded
FAULTS    equ DATA + 8          ; page faults taken
COUNTER   equ DATA + 12         ; rounds of the main loop (the tests watch it)
SUM       equ DATA + 16         ; sum of the round numbers
HOLE      equ 0x1C0000          ; 16 demand-paged pages (all below 2 MiB)
HOLE_PAGES equ 16
COM1      equ 0x3F8
END_TICKS equ 40

header:
    dd 0x1BADB002                       ; multiboot magic
    dd 0x00010000                       ; flags: the address fields are valid
    dd -(0x1BADB002 + 0x00010000)       ; checksum
    dd header                           ; header_addr
    dd BASE                             ; load_addr
    dd 0                                ; load_end_addr: the whole file
    dd 0                                ; bss_end_addr: none
    dd start                            ; entry_addr

start:
    mov esp, 0x180000
    mov edi, DATA                       ; counters to zero
    xor eax, eax
    mov ecx, 16
    rep stosd
    call setup_idt
    call setup_pic_pit
    call setup_uart
    call setup_paging
    sti
    jmp loop_head

; edi = the gate, edx = the handler, bx = the code selector: a 32-bit
; interrupt gate, DPL 0.
set_gate:
    mov eax, edx
    mov [edi], ax
    mov [edi + 2], bx
    mov word [edi + 4], 0x8E00
    shr eax, 16
    mov [edi + 6], ax
    ret

setup_idt:
    mov bx, cs
    mov edi, IDT
    mov ecx, 256
    mov edx, isr_default
.fill:
    call set_gate
    add edi, 8
    loop .fill
    mov edi, IDT + 14 * 8
    mov edx, isr_pf
    call set_gate
    mov edi, IDT + 0x20 * 8
    mov edx, isr_timer
    call set_gate
    mov edi, IDT + 0x24 * 8
    mov edx, isr_serial
    call set_gate
    mov edi, IDT + 0x27 * 8             ; the master's spurious IRQ 7
    mov edx, isr_iret
    call set_gate
    lidt [idtr]
    ret

setup_pic_pit:
    mov al, 0x11                        ; ICW1: edge, cascade, ICW4
    out 0x20, al
    out 0xA0, al
    mov al, 0x20                        ; ICW2: vectors 0x20, 0x28
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 4                           ; ICW3
    out 0x21, al
    mov al, 2
    out 0xA1, al
    mov al, 1                           ; ICW4: 8086 mode
    out 0x21, al
    out 0xA1, al
    mov al, 0xEE                        ; only IRQ 0 and IRQ 4
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34                        ; PIT counter 0, mode 2, LSB then MSB
    out 0x43, al
    mov ax, 1000                        ; 1193 Hz
    out 0x40, al
    mov al, ah
    out 0x40, al
    ret

setup_uart:
    mov dx, COM1 + 3                    ; LCR: 8N1
    mov al, 3
    out dx, al
    mov dx, COM1 + 1                    ; IER: received data available
    mov al, 1
    out dx, al
    mov dx, COM1 + 4                    ; MCR: DTR, RTS, OUT2 (the IRQ gate)
    mov al, 0x0B
    out dx, al
    ret

setup_paging:
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    xor ecx, ecx
.pt:
    mov eax, ecx
    shl eax, 12
    or eax, 3
    mov [PT + ecx * 4], eax
    inc ecx
    cmp ecx, 1024
    jb .pt
    call unmap_hole
    mov dword [PD], PT | 3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

unmap_hole:
    mov edi, PT + (HOLE >> 12) * 4
    mov ecx, HOLE_PAGES
    xor eax, eax
    rep stosd
    mov eax, cr3                        ; flush the TLB (harmless before paging is on)
    mov cr3, eax
    ret

%include "print_hex.inc"

isr_pf:                                 ; map the page CR2 names
    push eax
    push ebx
    inc dword [FAULTS]
    mov eax, cr2
    mov ebx, eax
    shr ebx, 12
    and ebx, 1023
    and eax, 0xFFFFF000
    or eax, 3
    mov [PT + ebx * 4], eax
    mov eax, cr2
    invlpg [eax]
    pop ebx
    pop eax
    add esp, 4                          ; the error code
    iret

isr_timer:
    push eax
    inc dword [TICKS]
    mov al, 0x20
    out 0x20, al
    pop eax
    iret

isr_serial:
    push eax
    push edx
.more:
    mov dx, COM1 + 5                    ; LSR
    in al, dx
    test al, 1
    jz .done
    mov dx, COM1
    in al, dx
    out 0xE9, al
    movzx eax, al
    rol dword [RXSUM], 3
    add [RXSUM], eax
    jmp .more
.done:
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
isr_iret:
    iret

isr_default:                            ; nothing else may happen: exit 0x7E (status 253)
    mov al, 0x7E
    out 0xF4, al
    hlt

idtr:
    dw 256 * 8 - 1
    dd IDT


    times 0x300 - ($ - $$) db 0x90
loop_head:                              ; 0x100300
    inc dword [COUNTER]
    mov eax, [COUNTER]
    mov ebx, eax
    and ebx, HOLE_PAGES - 1
    shl ebx, 12
    add ebx, HOLE
    add [ebx], eax                      ; a #PF when the page is not mapped
    add [SUM], eax
    test eax, 3
    jnz .awake
    mov al, '.'
    out 0xE9, al
    mov dx, COM1
    out dx, al
    hlt                                 ; the next interrupt wakes it
.awake:
    test dword [COUNTER], HOLE_PAGES - 1
    jnz .next
    call unmap_hole
.next:
    cmp dword [TICKS], END_TICKS
    jb loop_head
    cli
    mov al, 10
    out 0xE9, al
    mov eax, [COUNTER]
    call print_hex
    mov eax, [SUM]
    call print_hex
    mov eax, [RXSUM]
    call print_hex
    mov eax, [FAULTS]
    call print_hex
    mov eax, [TICKS]
    call print_hex
    mov al, 0x10
    out 0xF4, al
    hlt
