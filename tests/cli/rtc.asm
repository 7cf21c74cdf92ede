; rtc.asm -- print the CMOS clock's date and time as the RTC holds them at power-on, read
; through ports 0x70/0x71 in the chip's default BCD mode, then exit with 0x10 (status 33):
; "CCYY-MM-DD HH:MM:SS D" and a newline, D the day of the week (Sunday = 1). The run is far
; shorter than a second, so the clock has not ticked yet. For --rtc (tests/cli/host.sh).
%include "mb.inc"
CMOS_INDEX equ 0x70
CMOS_DATA  equ 0x71

    mov esp, 0x90000
    mov esi, fields
.next:
    lodsb                                   ; a register index; 0xFF ends the list
    cmp al, 0xFF
    je .done
    out CMOS_INDEX, al
    in al, CMOS_DATA
    call hex2
    lodsb                                   ; the character after it; 0: none
    test al, al
    jz .next
    out PORT_DEBUGCON, al
    jmp .next
.done:
    mov al, 10
    out PORT_DEBUGCON, al
    mov al, 0x10
    out PORT_EXIT, al
    cli
    hlt

; Print AL as two hex digits: a BCD byte prints as its decimal value.
hex2:
    mov ah, al
    shr al, 4
    call digit
    mov al, ah
    and al, 0x0F
digit:
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'A' - '9' - 1
.out:
    out PORT_DEBUGCON, al
    ret

; century, year, month, date, hours, minutes, seconds, day of week
fields: db 0x32, 0, 0x09, '-', 0x08, '-', 0x07, ' ', 0x04, ':', 0x02, ':', 0x00, ' ', 0x06, 0
        db 0xFF
image_end:
