; uart.asm -- the two 16550A UARTs, seen from a kernel (PC16550D datasheet, "Registers").
;
; Everything here runs in loopback (MCR bit 4), where the transmitter feeds the receiver
; and the modem-control outputs feed the modem-status inputs, so the test needs nothing
; on the host side of either port and prints nothing there. Checks:
;
;   com1_scratch, com2_scratch          the scratch register (7) keeps what is written
;   com1_divisor_latch                  DLAB = 1 exposes the divisor at 0 and 1
;   com1_lsr_idle                       an idle transmitter: THRE and TEMT (0x60)
;   com1_iir_none, com1_iir_fifo_none   no interrupt pending: IIR 0x01, or 0xC1 with FIFOs
;   com1_loop_byte, com1_loop_dr_clear  a byte sent in loopback comes back; DR then clears
;   com1_fifo_order                     16 bytes through the receive FIFO, in order
;   com1_fifo_overrun                   a 17th byte is lost: OE set, the 16 kept, OE clears
;                                       when LSR is read
;   com1_msr_loop, com1_msr_deltas      MCR DTR/RTS/OUT1/OUT2 -> MSR DSR/CTS/RI/DCD, with
;                                       the delta bits, which a read of MSR clears
;   com1_iir_rda, com1_loop_irq_gated   received data: IIR 0xC4 (with FIFOs), but no IRQ 4:
;                                       a PC gates the chip's interrupt pin with the OUT2
;                                       output, which loopback forces inactive
;   com1_iir_trigger4                   with the trigger level at 4, the received-data
;                                       interrupt waits for the 4th byte
;   com2_irq3_thre                      out of loopback, with OUT2 on, COM2's THR-empty
;                                       interrupt arrives as IRQ 3 (IIR 0x02)
;   com2_iir_thre_cleared               reading IIR clears a THRE interrupt

%include "lib.inc"

COM1            equ 0x3F8
COM2            equ 0x2F8
R_DATA          equ 0
R_IER           equ 1
R_IIR           equ 2                   ; read: IIR; write: FCR
R_LCR           equ 3
R_MCR           equ 4
R_LSR           equ 5
R_MSR           equ 6
R_SCR           equ 7

MCR_DTR         equ 0x01
MCR_RTS         equ 0x02
MCR_OUT1        equ 0x04
MCR_OUT2        equ 0x08                ; gates the interrupt output on a PC
MCR_LOOP        equ 0x10
LSR_DR          equ 0x01
LSR_OE          equ 0x02
FCR_ENABLE      equ 0x01
FCR_CLEAR       equ 0x06                ; both FIFOs cleared
FCR_TRIG4       equ 0x40                ; receive trigger level 4

PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
VEC_MASTER      equ 0x20
VEC_IRQ3        equ VEC_MASTER + 3
VEC_IRQ4        equ VEC_MASTER + 4

; OUTP port, value / INP port: al
%macro OUTP 2
    mov dx, %1
    mov al, %2
    out dx, al
%endmacro
%macro INP 1
    mov dx, %1
    in al, dx
    movzx eax, al
%endmacro

section .text
test_main:
    SET_IDT VEC_IRQ3, SEL_KCODE, irq3_handler, ACC_INTGATE
    SET_IDT VEC_IRQ4, SEL_KCODE, irq4_handler, ACC_INTGATE
    call pic_remap
    call check_registers
    call check_loopback
    call check_fifo
    call check_modem
    call check_rx_interrupt
    call check_com2
    ret

check_registers:
    OUTP COM1 + R_SCR, 0x5A
    INP COM1 + R_SCR
    CHECK_EQ "com1_scratch", eax, 0x5A
    OUTP COM2 + R_SCR, 0xA5
    INP COM2 + R_SCR
    CHECK_EQ "com2_scratch", eax, 0xA5
    OUTP COM1 + R_LCR, 0x83             ; DLAB
    OUTP COM1 + 0, 0x0C                 ; 9600 baud
    OUTP COM1 + 1, 0x00
    INP COM1 + 0
    mov ebx, eax
    INP COM1 + 1
    shl eax, 8
    or eax, ebx
    CHECK_EQ "com1_divisor_latch", eax, 0x000C
    OUTP COM1 + R_LCR, 0x03             ; 8N1, DLAB off
    OUTP COM1 + R_IER, 0
    OUTP COM1 + R_IIR, 0                ; FIFOs off
    INP COM1 + R_LSR
    CHECK_EQ "com1_lsr_idle", eax, 0x60
    INP COM1 + R_IIR
    CHECK_EQ "com1_iir_none", eax, 0x01
    OUTP COM1 + R_IIR, FCR_ENABLE | FCR_CLEAR
    INP COM1 + R_IIR
    CHECK_EQ "com1_iir_fifo_none", eax, 0xC1
    OUTP COM1 + R_IIR, 0
    ret

check_loopback:
    OUTP COM1 + R_MCR, MCR_LOOP
    OUTP COM1 + R_DATA, 0x42
    call settle
    INP COM1 + R_LSR
    CHECK_MASK "com1_loop_dr", eax, LSR_DR, LSR_DR
    INP COM1 + R_DATA
    CHECK_EQ "com1_loop_byte", eax, 0x42
    INP COM1 + R_LSR
    CHECK_MASK "com1_loop_dr_clear", eax, LSR_DR, 0
    ret

; 16 bytes fill the FIFO; a 17th overruns.
check_fifo:
    OUTP COM1 + R_IIR, FCR_ENABLE | FCR_CLEAR
    mov ecx, 17
    mov bl, 0x30
.send:
    OUTP COM1 + R_DATA, bl
    call settle
    inc bl
    loop .send
    INP COM1 + R_LSR
    CHECK_MASK "com1_fifo_overrun", eax, LSR_OE | LSR_DR, LSR_OE | LSR_DR
    INP COM1 + R_LSR
    CHECK_MASK "com1_fifo_oe_clears", eax, LSR_OE, 0
    ; read the 16 kept bytes: 0x30..0x3F in order; eax = bytes in order, xor-summed
    xor edi, edi                        ; mismatches
    mov ecx, 16
    mov bl, 0x30
.recv:
    INP COM1 + R_DATA
    cmp al, bl
    je .ok
    inc edi
.ok:
    inc bl
    loop .recv
    CHECK_EQ "com1_fifo_order", edi, 0
    INP COM1 + R_LSR
    CHECK_MASK "com1_fifo_empty", eax, LSR_DR, 0
    ret

check_modem:
    INP COM1 + R_MSR                    ; clear any old deltas
    OUTP COM1 + R_MCR, MCR_LOOP | MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2
    INP COM1 + R_MSR
    CHECK_EQ "com1_msr_loop", eax, 0xFB ; DCD RI DSR CTS; deltas DDCD DDSR DCTS (RI rose: no TERI)
    INP COM1 + R_MSR
    CHECK_EQ "com1_msr_deltas", eax, 0xF0
    OUTP COM1 + R_MCR, MCR_LOOP         ; all off: RI fell, so TERI; DCD, DSR, CTS deltas
    INP COM1 + R_MSR
    CHECK_EQ "com1_msr_fall", eax, 0x0F
    ret

; Received data available (IER.ERBFI) in loopback: IIR shows it, IRQ 4 stays quiet.
check_rx_interrupt:
    OUTP COM1 + R_IIR, FCR_ENABLE | FCR_CLEAR   ; trigger level 1
    OUTP COM1 + R_MCR, MCR_LOOP | MCR_OUT2
    OUTP COM1 + R_IER, 0x01
    mov dword [irq4_count], 0
    mov al, 0xEF                        ; unmask IRQ 4
    out PIC1_DATA, al
    OUTP COM1 + R_DATA, 0x55
    sti
    call settle
    cli
    INP COM1 + R_IIR
    CHECK_EQ "com1_iir_rda", eax, 0xC4
    CHECK_EQ "com1_loop_irq_gated", dword [irq4_count], 0
    INP COM1 + R_DATA
    INP COM1 + R_IIR
    CHECK_EQ "com1_iir_rda_cleared", eax, 0xC1
    ; trigger level 4: nothing until the 4th byte
    OUTP COM1 + R_IIR, FCR_ENABLE | FCR_CLEAR | FCR_TRIG4
    OUTP COM1 + R_DATA, 1
    call settle
    OUTP COM1 + R_DATA, 2
    call settle
    OUTP COM1 + R_DATA, 3
    call settle
    INP COM1 + R_IIR
    mov ebx, eax
    OUTP COM1 + R_DATA, 4
    call settle
    ; Below the trigger: no "received data available" (0x4). A chip raises the character
    ; timeout (0xC) after four character times; lab86 at once (see uart.c): either is right.
    and ebx, 0x0F
    xor eax, eax
    cmp ebx, 0x04
    setne al
    CHECK_EQ "com1_no_rda_below_trigger", eax, 1
    INP COM1 + R_IIR
    CHECK_EQ "com1_iir_trigger4", eax, 0xC4
    OUTP COM1 + R_IER, 0
    OUTP COM1 + R_IIR, FCR_CLEAR
    OUTP COM1 + R_MCR, 0
    mov al, 0xFF
    out PIC1_DATA, al
    ret

; COM2: THR empty raises IRQ 3 as soon as ETBEI is set (the holding register is empty).
check_com2:
    OUTP COM2 + R_LCR, 0x03
    OUTP COM2 + R_MCR, MCR_OUT2
    mov dword [irq3_count], 0
    mov al, 0xF7                        ; unmask IRQ 3
    out PIC1_DATA, al
    OUTP COM2 + R_IER, 0x02
    sti
    call settle
    cli
    CHECK_EQ "com2_irq3_thre", dword [irq3_count], 1
    CHECK_EQ "com2_iir_thre", dword [irq3_iir], 0x02
    INP COM2 + R_IIR
    CHECK_EQ "com2_iir_thre_cleared", eax, 0x01
    OUTP COM2 + R_IER, 0
    OUTP COM2 + R_MCR, 0
    mov al, 0xFF
    out PIC1_DATA, al
    ret

; settle: let a byte (or an interrupt) go through; lab86's loopback is immediate, a real
; UART's takes a character time, which this loop also covers at 9600 baud on a fast CPU.
settle:
    push ecx
    mov ecx, 2000
.spin:
    loop .spin
    pop ecx
    ret

irq4_handler:
    push eax
    push edx
    mov dx, COM1 + R_IIR
    in al, dx
    movzx eax, al
    mov [irq4_iir], eax
    mov dx, COM1 + R_DATA               ; drain: the interrupt goes away
.drain:
    in al, dx
    mov dx, COM1 + R_LSR
    in al, dx
    mov dx, COM1 + R_DATA
    test al, LSR_DR
    jnz .drain
    inc dword [irq4_count]
    mov al, 0x20
    out PIC1_CMD, al
    pop edx
    pop eax
    iretd

irq3_handler:
    push eax
    push edx
    mov dx, COM2 + R_IIR
    in al, dx
    movzx eax, al
    mov [irq3_iir], eax
    inc dword [irq3_count]
    mov al, 0x20
    out PIC1_CMD, al
    pop edx
    pop eax
    iretd

section .data
align 4
irq4_count: dd 0
irq4_iir:   dd 0
irq3_count: dd 0
irq3_iir:   dd 0

IMAGE_END
