; smp_guest.asm -- the guest of the multi-CPU snapshot tests (tests/unit/test_snapshot_smp.c,
; tests/snapshot/run.sh): a flat multiboot kernel for `--smp N` (2 to 8) whose every
; result depends on exactly how the CPUs interleave, so that a snapshot that lost any
; CPU's state, any APIC's or the scheduler's turn shows in the output.
;
;   * the BSP starts every AP (INIT, startup, startup to all but itself: the MP spec's
;     B.4 sequence) through a real-mode trampoline at 0x7000, and waits for as many as
;     CMOS 0x5F says there are (CPUs - 1);
;   * every CPU then races the others on shared memory with plain, unlocked
;     read-modify-writes: SHARED += its ID + 1 (lost updates depend on the turn
;     boundaries) and a byte log with an unlocked index (who wrote where);
;   * each AP runs its local APIC's timer periodically (a different count per AP)
;     and HLTs every 64th round until it fires; its handler folds SHARED into that
;     CPU's hash, so the hash records when each tick came;
;   * the BSP takes the PIT's IRQ 0 through the 8259A (LINT0 in ExtINT mode, virtual
;     wire), prints a '.' on the debug console and COM1 every 2048th round and HLTs
;     every 65536th (mostly it runs, racing the APs), and every fourth tick sends a
;     fixed IPI to all the APs, which count them.
;
; After END_TICKS PIT ticks the BSP stops the APs (STOP, then waits until each has
; masked its timer and said so), prints SHARED, a hash of the log, and for each CPU
; its rounds, ticks, hash and IPIs in hex on the debug console, and exits through 0xF4
; with 0x10 (status 33). About 4.5 million cycles with two CPUs.

bits 32
org 0x100000

BASE        equ 0x100000
IDT         equ 0x120000            ; 256 interrupt gates
DATA        equ 0x121000            ; everything below is zeroed at the start
SHARED      equ DATA + 0            ; the racy sum
LOGIDX      equ DATA + 4            ; the log's racy index
AP_COUNT    equ DATA + 8            ; APs that are up (locked increments)
DONE_COUNT  equ DATA + 12           ; APs that have stopped (locked increments)
STOP        equ DATA + 16           ; set by the BSP: the APs stop
BTICKS      equ DATA + 20           ; the BSP's PIT ticks
NCPUS       equ DATA + 24           ; CPUs, from CMOS 0x5F
ROUNDS      equ DATA + 0x40         ; per CPU (by APIC ID): rounds of its loop
TICKS       equ DATA + 0x60         ; per CPU: timer interrupts taken
HASH        equ DATA + 0x80         ; per CPU: SHARED folded in at each tick
IPIS        equ DATA + 0xA0         ; per CPU: IPIs taken
LOG         equ DATA + 0x100        ; LOG_SIZE bytes: who wrote each slot last
LOG_SIZE    equ 256
DATA_DWORDS equ (0x100 + LOG_SIZE) / 4
BSP_STACK   equ 0x180000
AP_STACKS   equ 0x190000            ; AP n's stack ends at AP_STACKS + n * 0x1000

APIC        equ 0xFEE00000
APIC_ID     equ APIC + 0x20
APIC_EOI    equ APIC + 0xB0
APIC_SVR    equ APIC + 0xF0
APIC_ICR_LO equ APIC + 0x300
APIC_ICR_HI equ APIC + 0x310
APIC_LVT_TM equ APIC + 0x320
APIC_LINT0  equ APIC + 0x350
APIC_TM_ICR equ APIC + 0x380
APIC_TM_DIV equ APIC + 0x3E0

TRAMPOLINE  equ 0x7000              ; the APs start at 0700:0000
VEC_PIT     equ 0x20                ; the 8259A's IRQ 0
VEC_SPUR7   equ 0x27                ; the master's spurious IRQ 7
VEC_TIMER   equ 0x40                ; an AP's APIC timer
VEC_IPI     equ 0x41                ; the BSP's IPI
VEC_SPUR    equ 0xFF                ; the APICs' spurious vector
COM1        equ 0x3F8
END_TICKS   equ 24
PIT_COUNT   equ 2000                ; 596.6 Hz: 168,000 cycles a tick at 100 MHz

header:
    dd 0x1BADB002                   ; multiboot magic
    dd 0x00010000                   ; flags: the address fields are valid
    dd -(0x1BADB002 + 0x00010000)   ; checksum
    dd header                       ; header_addr
    dd BASE                         ; load_addr
    dd 0                            ; load_end_addr: the whole file
    dd 0                            ; bss_end_addr: none
    dd start                        ; entry_addr

start:
    mov esp, BSP_STACK
    lgdt [gdtr]                     ; our own GDT: the trampoline needs one it knows
    jmp 0x08:.flat
.flat:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov edi, DATA
    xor eax, eax
    mov ecx, DATA_DWORDS
    rep stosd
    call setup_idt
    call setup_pic_pit
    mov dword [APIC_SVR], 0x100 | VEC_SPUR
    mov dword [APIC_LINT0], 0x700   ; ExtINT: the 8259A's INT (virtual wire)
    call start_aps
    sti
    jmp bsp_loop

; edi = the gate, edx = the handler: a 32-bit interrupt gate, DPL 0, selector 0x08.
set_gate:
    mov eax, edx
    mov [edi], ax
    mov word [edi + 2], 0x08
    mov word [edi + 4], 0x8E00
    shr eax, 16
    mov [edi + 6], ax
    ret

setup_idt:
    mov edi, IDT
    mov ecx, 256
    mov edx, isr_default
.fill:
    call set_gate
    add edi, 8
    loop .fill
    mov edi, IDT + VEC_PIT * 8
    mov edx, isr_pit
    call set_gate
    mov edi, IDT + VEC_SPUR7 * 8
    mov edx, isr_iret
    call set_gate
    mov edi, IDT + VEC_TIMER * 8
    mov edx, isr_ap_timer
    call set_gate
    mov edi, IDT + VEC_IPI * 8
    mov edx, isr_ipi
    call set_gate
    mov edi, IDT + VEC_SPUR * 8
    mov edx, isr_iret
    call set_gate
    lidt [idtr]
    ret

setup_pic_pit:
    mov al, 0x11                    ; ICW1: edge, cascade, ICW4
    out 0x20, al
    out 0xA0, al
    mov al, 0x20                    ; ICW2: vectors 0x20, 0x28
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 4                       ; ICW3
    out 0x21, al
    mov al, 2
    out 0xA1, al
    mov al, 1                       ; ICW4: 8086 mode
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE                    ; only IRQ 0
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34                    ; PIT counter 0, mode 2, LSB then MSB
    out 0x43, al
    mov ax, PIT_COUNT
    out 0x40, al
    mov al, ah
    out 0x40, al
    ret

; The trampoline to 0x7000, INIT-SIPI-SIPI to all but self, then wait for
; CMOS 0x5F's count of APs.
start_aps:
    mov esi, tramp_start
    mov edi, TRAMPOLINE
    mov ecx, tramp_end - tramp_start
    rep movsb
    mov al, 0x5F
    out 0x70, al
    in al, 0x71
    movzx eax, al
    inc eax
    mov [NCPUS], eax
    mov dword [APIC_ICR_HI], 0
    mov dword [APIC_ICR_LO], 0x000C4500            ; INIT, assert, all but self
    call delay
    mov dword [APIC_ICR_LO], 0x000C4600 | (TRAMPOLINE >> 12)
    call delay
    mov dword [APIC_ICR_LO], 0x000C4600 | (TRAMPOLINE >> 12)
    mov ebx, [NCPUS]
    dec ebx
.wait:
    pause
    cmp [AP_COUNT], ebx
    jb .wait
    ret

delay:
    mov ecx, 2000
.spin:
    pause
    loop .spin
    ret

; The BSP's round: the racy sum and log, a '.' and a HLT every 256th.
bsp_loop:
    mov eax, [SHARED]
    add eax, 1000
    mov [SHARED], eax
    mov ecx, [LOGIDX]
    and ecx, LOG_SIZE - 1
    mov byte [LOG + ecx], 'B'
    inc ecx
    mov [LOGIDX], ecx
    inc dword [ROUNDS]
    test dword [ROUNDS], 2047
    jnz .next
    mov al, '.'
    out 0xE9, al
    mov dx, COM1
    out dx, al
    test dword [ROUNDS], 65535
    jnz .next
    hlt                             ; the next tick wakes it
.next:
    cmp dword [BTICKS], END_TICKS
    jb bsp_loop
    cli
    mov dword [STOP], 1
    mov ebx, [NCPUS]
    dec ebx
.wait:
    pause
    cmp [DONE_COUNT], ebx
    jb .wait
    jmp report

; The results, in hex on the debug console, then the exit.
report:
    mov al, 10
    out 0xE9, al
    mov eax, [SHARED]
    call print_hex
    mov esi, LOG                    ; the log, hashed: h = h * 31 + byte
    xor eax, eax
    mov ecx, LOG_SIZE
.hash:
    imul eax, eax, 31
    movzx edx, byte [esi]
    add eax, edx
    inc esi
    loop .hash
    call print_hex
    xor ebx, ebx
.cpu:
    mov eax, [ROUNDS + ebx * 4]
    call print_hex
    mov eax, [TICKS + ebx * 4]
    call print_hex
    mov eax, [HASH + ebx * 4]
    call print_hex
    mov eax, [IPIS + ebx * 4]
    call print_hex
    inc ebx
    cmp ebx, [NCPUS]
    jb .cpu
    mov al, 0x10
    out 0xF4, al
    hlt

%include "print_hex.inc"

; --- interrupts ---

isr_pit:                            ; the BSP's tick; an IPI to the APs every fourth
    push eax
    inc dword [BTICKS]
    test dword [BTICKS], 3
    jnz .eoi
    mov dword [APIC_ICR_HI], 0
    mov dword [APIC_ICR_LO], 0x000C0000 | VEC_IPI  ; fixed, all but self
.eoi:
    mov al, 0x20
    out 0x20, al
    pop eax
    iretd

isr_ap_timer:                       ; an AP's tick: fold SHARED into its hash
    push eax
    push ebx
    mov eax, [APIC_ID]
    shr eax, 24
    inc dword [TICKS + eax * 4]
    mov ebx, [HASH + eax * 4]
    rol ebx, 5
    xor ebx, [SHARED]
    mov [HASH + eax * 4], ebx
    mov dword [APIC_EOI], 0
    pop ebx
    pop eax
    iretd

isr_ipi:
    push eax
    mov eax, [APIC_ID]
    shr eax, 24
    inc dword [IPIS + eax * 4]
    mov dword [APIC_EOI], 0
    pop eax
    iretd

isr_default:                        ; nothing else may happen: exit 0x7E (status 253)
    mov al, 0x7E
    out 0xF4, al
    hlt

isr_iret:
    iretd

; --- the APs ---

ap_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ebx, [APIC_ID]
    shr ebx, 24                     ; ebx: this CPU's APIC ID, from here on
    mov esp, ebx
    shl esp, 12
    add esp, AP_STACKS
    lidt [idtr]
    mov dword [APIC_SVR], 0x100 | VEC_SPUR
    mov dword [APIC_TM_DIV], 0xB    ; divide by 1
    mov dword [APIC_LVT_TM], (1 << 17) | VEC_TIMER ; periodic
    mov eax, ebx
    imul eax, 1237
    add eax, 9000
    mov [APIC_TM_ICR], eax          ; a different period for each AP
    lock inc dword [AP_COUNT]
    sti
ap_loop:
    cmp dword [STOP], 0
    jne .stop
    mov eax, [SHARED]
    add eax, ebx
    inc eax
    mov [SHARED], eax
    mov ecx, [LOGIDX]
    and ecx, LOG_SIZE - 1
    mov [LOG + ecx], bl
    inc ecx
    mov [LOGIDX], ecx
    inc dword [ROUNDS + ebx * 4]
    test dword [ROUNDS + ebx * 4], 63
    jnz ap_loop
    hlt                             ; until its timer fires
    jmp ap_loop
.stop:
    cli
    mov dword [APIC_LVT_TM], 1 << 16 ; masked
    lock inc dword [DONE_COUNT]
.halt:
    hlt
    jmp .halt

; --- the real-mode trampoline, copied to TRAMPOLINE ---

bits 16
tramp_start:
    cli
    xor ax, ax
    mov ds, ax
    o32 lgdt [TRAMPOLINE + tramp_gdtr - tramp_start]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:ap_entry
tramp_gdtr:
    dw gdt_end - gdt - 1
    dd gdt
tramp_end:
bits 32

align 8
gdt:
    dq 0                            ; null
    dq 0x00CF9A000000FFFF           ; 0x08: code, flat, 32-bit
    dq 0x00CF92000000FFFF           ; 0x10: data, flat
gdt_end:
gdtr:
    dw gdt_end - gdt - 1
    dd gdt
idtr:
    dw 256 * 8 - 1
    dd IDT
