; first_byte.asm -- the guest of the start-time benchmark (bench/start.py): a multiboot
; kernel that, as its very first work, sends "first byte" and a newline to COM1 (a 16550 at
; 0x3F8, polled on LSR.THRE) and then exits through port 0xF4 (lab86, QEMU's
; isa-debug-exit) or, where nothing is there, halts. What is measured is the host's time
; from starting the emulator to the first byte on its serial output: the emulator's own
; start-up and the direct kernel load, with as little guest work as possible.
%include "mb.inc"
COM1     equ 0x3F8
UART_LSR equ COM1 + 5
LSR_THRE equ 0x20                           ; transmitter holding register empty

    mov esi, text
.next:
    lodsb
    test al, al
    jz .done
    mov bl, al
    mov dx, UART_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    mov dx, COM1
    mov al, bl
    out dx, al
    jmp .next
.done:
    mov al, 0
    out PORT_EXIT, al
    cli
    hlt

text: db "first byte", 10, 0
image_end:
