; echo.asm -- a polling COM1 driver: wait for a byte (LSR.DR), read it, send it back (LSR.THRE),
; and exit with 0x10 (status 33) after echoing a newline.  Fed 'abc\n' on stdin, lab86 prints
; "abc" and a newline.
%include "mb.inc"
COM1    equ 0x3F8
UART_LSR equ COM1 + 5
LSR_DR   equ 0x01                           ; a received byte is waiting in RBR
LSR_THRE equ 0x20                           ; transmitter holding register empty

next:
    mov dx, UART_LSR
.rx:
    in al, dx
    test al, LSR_DR
    jz .rx
    mov dx, COM1
    in al, dx
    mov bl, al
    mov dx, UART_LSR
.tx:
    in al, dx
    test al, LSR_THRE
    jz .tx
    mov dx, COM1
    mov al, bl
    out dx, al
    cmp bl, 10
    jne next
    mov al, 0x10
    out PORT_EXIT, al
image_end:
