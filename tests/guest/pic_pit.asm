; pic_pit.asm -- the 8259A interrupt controllers and the 8254 timer, seen from a kernel.
;
; The test programs the PICs the way every PC kernel does (ICW1-ICW4, vectors remapped to
; 0x20 and 0x28 away from the CPU's exceptions), runs PIT counter 0 as the system tick and
; counter 2 as Linux's TSC calibration timer, and checks:
;
;   imr_reads_back, isr_empty_after_init   OCW1 and OCW3 (read ISR) [8259A datasheet,
;                                          "Operation Command Words"]
;   four_ticks, tick_period_1..3           counter 0 in mode 2 with count 11932 (100 Hz):
;                                          `sti; hlt` waits for each IRQ 0; the time-stamp
;                                          counter between two ticks is the PIT period in
;                                          CPU cycles [8254 datasheet, "Mode 2"]
;   ch0_status_mode2                       the read-back status byte [8254, "Status Byte"]
;   masked_irq0_not_delivered,             IMR bit 0 holds IRQ 0 back, the request waits in
;   masked_irq0_waits_in_irr,              IRR and comes through when unmasked
;   unmasked_irq0_delivered
;   no_eoi_blocks_irq0, ...                without an EOI, IRQ 0 stays in service and blocks
;                                          the next ticks; the EOI lets the waiting one in
;   poll_returns_irq0, poll_sets_isr       OCW3 poll command with interrupts off
;   uart_thre_irq4                         COM1's THR-empty interrupt arrives as IRQ 4
;   ch2_calibration_10ms                   counter 2 in mode 0, GATE2 from port 0x61 bit 0,
;                                          OUT2 polled on bit 5: Linux's pit_calibrate_tsc()
;   gate2_low_holds_count, ...             GATE2 low suspends counting in mode 0 [8254,
;                                          table "Gate Pin Operations Summary"]
;
; The cycle numbers assume lab86's default CPU clock of 100 MHz: a PIT pulse is
; 100e6 / 1193182 = 83.8 cycles. Under QEMU the TSC runs at the host's rate and mode 0
; ignores GATE: run-qemu.sh lists those checks as known divergences.

%include "lib.inc"

PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
PIC2_CMD        equ 0xA0
PIC2_DATA       equ 0xA1
PIT_CH0         equ 0x40
PIT_CH2         equ 0x42
PIT_CMD         equ 0x43
PORT_B          equ 0x61                ; system control port B
COM1            equ 0x3F8

VEC_MASTER      equ 0x20                ; IRQ 0-7 -> 0x20-0x27
VEC_SLAVE       equ 0x28                ; IRQ 8-15 -> 0x28-0x2F
VEC_IRQ0        equ VEC_MASTER + 0
VEC_IRQ4        equ VEC_MASTER + 4

ICW1_INIT_ICW4  equ 0x11                ; ICW1: edge-triggered, cascade, ICW4 follows
ICW3_MASTER     equ 0x04                ; a slave on IR2
ICW3_SLAVE      equ 0x02                ; slave ID 2
ICW4_8086       equ 0x01
OCW2_EOI        equ 0x20                ; non-specific EOI
OCW3_READ_IRR   equ 0x0A
OCW3_READ_ISR   equ 0x0B
OCW3_POLL       equ 0x0C
POLL_INT        equ 0x80                ; poll word: a request is there

PIT_CH0_MODE2   equ 0x34                ; counter 0, LSB then MSB, mode 2, binary
PIT_CH2_MODE0   equ 0xB0                ; counter 2, LSB then MSB, mode 0, binary
PIT_LATCH_CH2   equ 0x80                ; counter latch command, counter 2
PIT_RB_ST_CH0   equ 0xE2                ; read-back: status only, counter 0
PORTB_GATE2     equ 0x01
PORTB_SPKR      equ 0x02
PORTB_OUT2      equ 0x20

TICK_COUNT      equ 11932               ; 1193182 / 11932 = 100.0 Hz
TICK_LO         equ 1000015             ; 11932 pulses = 1000015.08 cycles: whole ticks
TICK_HI         equ 1000016             ; are 1000015 or 1000016 cycles apart
CAL_LO          equ 1000015             ; mode 0 with 11932: OUT2 rises after 11932 + 1
CAL_HI          equ 1000015 + 2000      ; pulses (plus the instructions around it)
MAX_TICKS       equ 8

; CHECK_BETWEEN name, got, lo, hi: passes when lo <= got <= hi (unsigned).
%macro CHECK_BETWEEN 4
    push dword %4
    push dword %3
    push dword %2
    push %%name
    call check_between
[section .data]
%%name: db %1, 0
__SECT__
%endmacro

section .text

test_main:
    SET_IDT VEC_IRQ0, SEL_KCODE, irq0_handler, ACC_INTGATE
    SET_IDT VEC_IRQ4, SEL_KCODE, irq4_handler, ACC_INTGATE
    call pic_init
    call check_pic_registers
    call check_tick_period
    call check_masked
    call check_no_eoi
    call check_poll
    call check_uart_irq4
    call check_calibration
    call check_gate
    ret

; pic_init: the PC initialisation; leaves every input masked.
pic_init:
    mov al, ICW1_INIT_ICW4
    out PIC1_CMD, al
    out PIC2_CMD, al
    mov al, VEC_MASTER                  ; ICW2
    out PIC1_DATA, al
    mov al, VEC_SLAVE
    out PIC2_DATA, al
    mov al, ICW3_MASTER                 ; ICW3
    out PIC1_DATA, al
    mov al, ICW3_SLAVE
    out PIC2_DATA, al
    mov al, ICW4_8086                   ; ICW4
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov al, 0xFF                        ; OCW1: all masked
    out PIC1_DATA, al
    out PIC2_DATA, al
    ret

; read_pic1(al = OCW3) -> eax = the register it selects
read_pic1:
    out PIC1_CMD, al
    in al, PIC1_CMD
    movzx eax, al
    ret

; set_imr1(al): OCW1 of the master
set_imr1:
    out PIC1_DATA, al
    ret

check_pic_registers:
    mov al, 0xFE
    call set_imr1
    in al, PIC1_DATA
    movzx eax, al
    CHECK_EQ "imr_reads_back", eax, 0xFE
    mov al, 0xFF
    call set_imr1
    mov al, OCW3_READ_ISR
    call read_pic1
    CHECK_EQ "isr_empty_after_init", eax, 0
    ret

check_tick_period:
    mov dword [ticks], 0
    mov al, PIT_CH0_MODE2
    out PIT_CMD, al
    mov al, TICK_COUNT & 0xFF
    out PIT_CH0, al
    mov al, TICK_COUNT >> 8
    out PIT_CH0, al
    mov al, 0xFE                        ; IRQ 0 only
    call set_imr1
    sti
.wait:
    hlt                                 ; wakes at each tick
    cmp dword [ticks], 4
    jb .wait
    cli
    CHECK_EQ "four_ticks", dword [ticks], 4
    mov eax, [tick_tsc + 4]
    sub eax, [tick_tsc]
    CHECK_BETWEEN "tick_period_1", eax, TICK_LO, TICK_HI
    mov eax, [tick_tsc + 8]
    sub eax, [tick_tsc + 4]
    CHECK_BETWEEN "tick_period_2", eax, TICK_LO, TICK_HI
    mov eax, [tick_tsc + 12]
    sub eax, [tick_tsc + 8]
    CHECK_BETWEEN "tick_period_3", eax, TICK_LO, TICK_HI
    mov al, PIT_RB_ST_CH0
    out PIT_CMD, al
    in al, PIT_CH0
    CHECK_MASK "ch0_status_mode2", eax, 0x7F, PIT_CH0_MODE2 ; NULL COUNT 0, RW, M, BCD
    mov al, 0xFF
    call set_imr1
    ret

; The tick keeps running while IRQ 0 is masked: nothing is delivered, the request waits.
check_masked:
    mov dword [ticks], 0
    sti
    mov ecx, 0xFFFF                     ; 55 ms: more than five ticks
    call ch2_wait
    CHECK_EQ "masked_irq0_not_delivered", dword [ticks], 0
    mov al, OCW3_READ_IRR
    call read_pic1
    CHECK_MASK "masked_irq0_waits_in_irr", eax, 1, 1
    mov al, 0xFE
    call set_imr1                       ; the interrupt comes right after this OUT
    call irq_window
    cli
    CHECK_EQ "unmasked_irq0_delivered", dword [ticks], 1
    mov al, 0xFF
    call set_imr1
    ret

; Without an EOI, IRQ 0 stays in service and blocks the ticks after it.
check_no_eoi:
    mov dword [ticks], 0
    mov byte [no_eoi], 1
    mov al, 0xFE
    call set_imr1
    sti
    mov ecx, 0xFFFF
    call ch2_wait
    cli
    CHECK_EQ "no_eoi_blocks_irq0", dword [ticks], 1
    mov al, OCW3_READ_ISR
    call read_pic1
    CHECK_EQ "irq0_in_service_without_eoi", eax, 1
    mov al, OCW3_READ_IRR
    call read_pic1
    CHECK_MASK "next_tick_waits_in_irr", eax, 1, 1
    mov byte [no_eoi], 0
    sti
    mov al, OCW2_EOI
    out PIC1_CMD, al                    ; the waiting tick comes in now
    call irq_window
    cli
    CHECK_EQ "eoi_releases_irq0", dword [ticks], 2
    mov al, 0xFF
    call set_imr1
    ret

; Poll: with IF = 0, OCW3 P makes the next read acknowledge the request.
check_poll:
    mov al, 0xFE
    call set_imr1
.wait:
    mov al, OCW3_READ_IRR
    call read_pic1
    test al, 1
    jz .wait
    mov al, OCW3_POLL
    call read_pic1
    CHECK_EQ "poll_returns_irq0", eax, POLL_INT | 0
    mov al, OCW3_READ_ISR
    call read_pic1
    CHECK_EQ "poll_sets_isr", eax, 1
    mov al, OCW2_EOI
    out PIC1_CMD, al
    mov al, 0xFF
    call set_imr1
    ret

; COM1: enabling the THR-empty interrupt with MCR.OUT2 set raises IRQ 4 at once.
check_uart_irq4:
    mov dword [irq4_count], 0
    mov al, 0xEF                        ; IRQ 4 only
    call set_imr1
    mov dx, COM1 + 4                    ; MCR
    mov al, 0x08                        ; OUT2: the PC's interrupt gate
    out dx, al
    sti
    mov dx, COM1 + 1                    ; IER
    mov al, 0x02                        ; ETBEI
    out dx, al
    call irq_window
    cli
    CHECK_EQ "uart_thre_irq4", dword [irq4_count], 1
    xor al, al
    out dx, al
    mov dx, COM1 + 4
    out dx, al
    mov al, 0xFF
    call set_imr1
    ret

; Linux's TSC calibration: counter 2 in mode 0 for 10 ms, OUT2 polled on port 0x61.
check_calibration:
    rdtsc
    mov [cal_start], eax
    mov ecx, TICK_COUNT
    call ch2_wait
    rdtsc
    sub eax, [cal_start]
    CHECK_BETWEEN "ch2_calibration_10ms", eax, CAL_LO, CAL_HI
    ret

; GATE2 low: counter 2 in mode 0 holds its count and OUT2 stays low.
check_gate:
    in al, PORT_B
    and al, ~(PORTB_GATE2 | PORTB_SPKR)
    out PORT_B, al
    mov al, PIT_CH2_MODE0
    out PIT_CMD, al
    mov al, 0x34
    out PIT_CH2, al
    mov al, 0x12
    out PIT_CH2, al
    mov ecx, 20000
.delay:
    loop .delay
    call latch_ch2
    CHECK_EQ "gate2_low_holds_count", eax, 0x1234
    in al, PORT_B
    CHECK_MASK "out2_low_while_counting", eax, PORTB_OUT2, 0
    in al, PORT_B
    or al, PORTB_GATE2
    out PORT_B, al
    mov ecx, 20000
.delay2:
    loop .delay2
    call latch_ch2
    CHECK_BETWEEN "gate2_high_counts", eax, 1, 0x1233
    ret

; irq_window: a few instructions with IF = 1. lab86 takes an interrupt at the boundary
; right after the OUT that raised it; a real CPU, or QEMU, may take a few more.
irq_window:
    push ecx
    mov ecx, 100
.spin:
    loop .spin
    pop ecx
    ret

; latch_ch2 -> eax = counter 2's count
latch_ch2:
    mov al, PIT_LATCH_CH2
    out PIT_CMD, al
    in al, PIT_CH2
    mov ah, al
    in al, PIT_CH2
    xchg al, ah
    movzx eax, ax
    ret

; ch2_wait(cx = count): run counter 2 in mode 0 with GATE2 high, speaker off, and return
; when OUT2 rises, count + 1 pulses after the count is written.
ch2_wait:
    push eax
    in al, PORT_B
    and al, ~PORTB_SPKR
    or al, PORTB_GATE2
    out PORT_B, al
    mov al, PIT_CH2_MODE0
    out PIT_CMD, al
    mov al, cl
    out PIT_CH2, al
    mov al, ch
    out PIT_CH2, al
.poll:
    in al, PORT_B
    test al, PORTB_OUT2
    jz .poll
    pop eax
    ret

check_between:                          ; (name, got, lo, hi)
    pushad
    mov eax, [esp + 40]                 ; got
    cmp eax, [esp + 44]
    jb .low
    cmp eax, [esp + 48]
    ja .high
    push dword [esp + 36]
    call report_pass
    popad
    ret 16
.low:
    push eax                            ; got
    push dword [esp + 48]               ; lo
    push str_at_least
    push dword [esp + 48]               ; name
    call report_mismatch
    popad
    ret 16
.high:
    push eax
    push dword [esp + 52]               ; hi
    push str_at_most
    push dword [esp + 48]
    call report_mismatch
    popad
    ret 16

; IRQ 0: record the time-stamp counter first thing, count, EOI unless told not to.
irq0_handler:
    push eax
    push edx
    push ebx
    rdtsc
    mov ebx, [ticks]
    cmp ebx, MAX_TICKS
    jae .counted
    mov [tick_tsc + 4 * ebx], eax
.counted:
    inc dword [ticks]
    cmp byte [no_eoi], 0
    jne .out
    mov al, OCW2_EOI
    out PIC1_CMD, al
.out:
    pop ebx
    pop edx
    pop eax
    iretd

; IRQ 4: reading IIR clears the UART's THR-empty interrupt.
irq4_handler:
    push eax
    push edx
    mov dx, COM1 + 2
    in al, dx
    inc dword [irq4_count]
    mov al, OCW2_EOI
    out PIC1_CMD, al
    pop edx
    pop eax
    iretd

section .data
align 4
ticks:          dd 0
tick_tsc:       times MAX_TICKS dd 0
irq4_count:     dd 0
cal_start:      dd 0
no_eoi:         db 0
str_at_least:   db "(at least) ", 0
str_at_most:    db "(at most) ", 0
