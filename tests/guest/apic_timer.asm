; apic_timer.asm -- the local APIC's timer against the PIT, in virtual time (run on the
; pc board: --board pc). The PIT's IRQ 0 comes through the 8259 and the BSP's LINT0
; (ExtINT: virtual-wire mode), the timer's through the local APIC's own LVT.
;
;   periodic_30_per_3_pit_ticks     LVT timer periodic, divide by 16, count 6250: one
;                                   interrupt a millisecond at 100 MHz; between PIT tick
;                                   1 and tick 4 (30 ms at 100 Hz) it fires 30 times
;                                   (29-31 with the ticks' phase) [SDM vol. 3, 10.5.4]
;   current_count_counts_down       the current count lies in 1..initial
;   one_shot_fires_once             one-shot mode: one interrupt, then the count stays 0
;   tpr_holds_timer_vector, ...     TPR 0x50 holds vector 0x41 back in the IRR; TPR 0
;                                   lets it in [10.8.3]
;   masked_timer_silent             the LVT mask bit: the count runs, no interrupt
;
; The numbers assume lab86's default CPU clock of 100 MHz and that the APIC timer counts
; the bus clock, which lab86 takes to be the CPU's nominal clock (devices/lapic.c).

%include "lib.inc"

APIC            equ 0xFEE00000
APIC_TPR        equ APIC + 0x80
APIC_EOI        equ APIC + 0xB0
APIC_SVR        equ APIC + 0xF0
APIC_IRR        equ APIC + 0x200
APIC_LVT_TIMER  equ APIC + 0x320
APIC_TIMER_INIT equ APIC + 0x380
APIC_TIMER_CUR  equ APIC + 0x390
APIC_TIMER_DIV  equ APIC + 0x3E0

PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
PIC2_CMD        equ 0xA0
PIC2_DATA       equ 0xA1
PIT_CH0         equ 0x40
PIT_CMD         equ 0x43

VEC_PIT         equ 0x20
VEC_PERIODIC    equ 0x40
VEC_ONESHOT     equ 0x41
VEC_SPURIOUS    equ 0xFF
LVT_PERIODIC    equ 1 << 17
LVT_MASKED      equ 1 << 16
DIV_16          equ 0x3
COUNT_1MS       equ 6250                ; 100000 cycles / 16

section .text

test_main:
    SET_IDT VEC_PIT, SEL_KCODE, pit_handler, ACC_INTGATE
    SET_IDT VEC_PERIODIC, SEL_KCODE, timer_handler, ACC_INTGATE
    SET_IDT VEC_ONESHOT, SEL_KCODE, oneshot_handler, ACC_INTGATE
    SET_IDT VEC_SPURIOUS, SEL_KCODE, spurious_handler, ACC_INTGATE
    call pic_remap
    mov al, 0xFE                        ; IRQ 0 only
    out PIC1_DATA, al
    mov dword [APIC_SVR], 0x100 | VEC_SPURIOUS
    mov al, 0x34                        ; PIT counter 0, mode 2, 100 Hz
    out PIT_CMD, al
    mov ax, 11932
    out PIT_CH0, al
    mov al, ah
    out PIT_CH0, al
    call check_periodic
    call check_one_shot
    call check_tpr
    call check_masked
    ret

; wait_pit N: sleep until the PIT has ticked N times more.
wait_pit:
    mov edx, [pit_ticks]
    add edx, eax
.sleep:
    sti
    hlt
    cli
    cmp [pit_ticks], edx
    jb .sleep
    ret

check_periodic:
    mov dword [APIC_TIMER_DIV], DIV_16
    mov dword [APIC_LVT_TIMER], LVT_PERIODIC | VEC_PERIODIC
    mov dword [APIC_TIMER_INIT], COUNT_1MS
    mov eax, 1
    call wait_pit
    mov ebx, [timer_ticks]
    mov eax, 3
    call wait_pit
    mov eax, [timer_ticks]
    sub eax, ebx
    cmp eax, 29
    jb .bad
    cmp eax, 31
    ja .bad
    PASS "periodic_30_per_3_pit_ticks"
    jmp .count
.bad:
    FAIL "periodic_30_per_3_pit_ticks", "not 29-31 interrupts"
.count:
    mov eax, [APIC_TIMER_CUR]
    cmp eax, 1
    jb .badcount
    cmp eax, COUNT_1MS
    ja .badcount
    PASS "current_count_counts_down"
    jmp .stop
.badcount:
    FAIL "current_count_counts_down", "out of 1..initial"
.stop:
    mov dword [APIC_TIMER_INIT], 0
    ret

check_one_shot:
    mov dword [APIC_LVT_TIMER], VEC_ONESHOT
    mov dword [APIC_TIMER_INIT], 1000   ; 16000 cycles
    mov eax, 2
    call wait_pit
    CHECK_EQ "one_shot_fires_once", dword [oneshot_ticks], 1
    CHECK_EQ "one_shot_count_stays_0", dword [APIC_TIMER_CUR], 0
    ret

check_tpr:
    mov dword [APIC_TPR], 0x50
    mov dword [APIC_TIMER_INIT], 1000
    mov eax, 1
    call wait_pit                       ; the PIT's ExtINT is not held by the TPR
    CHECK_EQ "tpr_holds_timer_vector", dword [oneshot_ticks], 1
    CHECK_MASK "tpr_vector_waits_in_irr", dword [APIC_IRR + 0x20], 1 << 1, 1 << 1
    mov dword [APIC_TPR], 0
    sti
    nop
    cli
    CHECK_EQ "tpr_0_lets_it_in", dword [oneshot_ticks], 2
    ret

check_masked:
    mov dword [APIC_LVT_TIMER], LVT_MASKED | VEC_ONESHOT
    mov dword [APIC_TIMER_INIT], 1000
    mov eax, 1
    call wait_pit
    CHECK_EQ "masked_timer_silent", dword [oneshot_ticks], 2
    CHECK_EQ "masked_timer_counted", dword [APIC_TIMER_CUR], 0
    ret

pit_handler:
    inc dword [pit_ticks]
    push eax
    mov al, 0x20
    out PIC1_CMD, al
    pop eax
    iretd

timer_handler:
    inc dword [timer_ticks]
    mov dword [APIC_EOI], 0
    iretd

oneshot_handler:
    inc dword [oneshot_ticks]
    mov dword [APIC_EOI], 0
    iretd

spurious_handler:
    iretd

section .data
pit_ticks:      dd 0
timer_ticks:    dd 0
oneshot_ticks:  dd 0
