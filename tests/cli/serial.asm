; serial.asm -- talk to COM1 (a 16550A at 0x3F8) the way a polling driver does, and check
; the 0xE9 console's read-back.  Prints "serial ok" and a newline through the UART and
; exits with 0x10 (status 33); exits with 0x11 (status 35) if a register misbehaves.
%include "mb.inc"
COM1    equ 0x3F8
UART_LCR equ COM1 + 3
UART_LSR equ COM1 + 5
UART_SCR equ COM1 + 7
LSR_THRE equ 0x20                           ; transmitter holding register empty

    in al, PORT_DEBUGCON                    ; the Bochs convention: reads 0xE9
    cmp al, 0xE9
    jne fail
    mov dx, UART_SCR                        ; the scratch register keeps what it is given
    mov al, 0x5A
    out dx, al
    in al, dx
    cmp al, 0x5A
    jne fail
    mov dx, UART_LCR                        ; 8 data bits, no parity, 1 stop bit
    mov al, 0x03
    out dx, al
    mov esi, message
.next:
    mov bl, [esi]
    inc esi
    test bl, bl
    jz pass
    mov dx, UART_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    mov dx, COM1
    mov al, bl
    out dx, al
    jmp .next
pass:
    mov al, 0x10
    out PORT_EXIT, al
fail:
    mov al, 0x11
    out PORT_EXIT, al
message:
    db "serial ok", 10, 0
image_end:
