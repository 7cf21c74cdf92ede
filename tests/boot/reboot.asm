; reboot.asm -- a boot sector that resets the machine every way a PC can, then powers it off.
;
; Each boot reads a counter from a CMOS RAM byte (the CMOS keeps its RAM across a reset,
; as the battery does), says which boot this is on COM1, counts, and resets the machine
; the next way in the list:
;   boot 0: a triple fault (an INT with an IDT limit of 0: #GP, #DF, shutdown);
;   boot 1: the 8042's pulse of the CPU's reset line (command 0xFE);
;   boot 2: port 0x92 bit 0 (fast reset);
;   boot 3: port 0xCF9, the reset control register (RCPU with SRST: a hard reset);
;   boot 4: the Bochs APM power-off: "Shutdown" written to port 0x8900 (exit status 0).
; lab86 resets the machine for each (for a triple fault only with firmware and without
; --no-reboot) and the BIOS boots this sector again. tests/boot/run.sh checks the lines.

bits 16
org 0x7C00

COM1        equ 0x3F8
UART_LSR    equ 5
LSR_THRE    equ 1 << 5
CMOS_INDEX  equ 0x70
CMOS_DATA   equ 0x71
COUNTER     equ 0x4E                    ; a CMOS RAM byte no BIOS uses
KBC_CMD     equ 0x64
KBC_PULSE_RESET equ 0xFE
PORT_A      equ 0x92
PORT_RC     equ 0xCF9
RC_HARD_RESET equ 0x06                  ; SRST | RCPU
PORT_SHUTDOWN equ 0x8900

boot:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, boot
    mov al, COUNTER
    out CMOS_INDEX, al
    in al, CMOS_DATA
    movzx bx, al                        ; BX = this boot's number
    inc ax
    out CMOS_DATA, al                   ; the next boot's
    cmp bx, 4
    ja $                                ; never: the last boot powers off
    mov si, msg
    call puts
    mov al, '0'
    add al, bl
    call putc
    mov al, 10
    call putc
    shl bx, 1
    jmp [ways + bx]

triple_fault:
    lidt [null_idt]
    int 0x20
kbc_reset:
    mov al, KBC_PULSE_RESET
    out KBC_CMD, al
    jmp $
port92_reset:
    in al, PORT_A
    or al, 1
    out PORT_A, al
    jmp $
cf9_reset:
    mov dx, PORT_RC
    mov al, RC_HARD_RESET
    out dx, al
    jmp $
power_off:
    mov si, shutdown
    mov dx, PORT_SHUTDOWN
.next:
    lodsb
    test al, al
    jz .done
    out dx, al
    jmp .next
.done:
    jmp $

; Send the NUL-terminated string at SI, then AL, on COM1 (polled; the BIOS set the UART up).
puts:
    lodsb
    test al, al
    jz .done
    call putc
    jmp puts
.done:
    ret
putc:
    push ax
    mov dx, COM1 + UART_LSR
.wait:
    in al, dx
    test al, LSR_THRE
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    ret

ways:     dw triple_fault, kbc_reset, port92_reset, cf9_reset, power_off
null_idt: dw 0, 0, 0
msg:      db "reboot: boot ", 0
shutdown: db "Shutdown", 0

    times 510 - ($ - $$) db 0
    dw 0xAA55
