; keys.asm -- a polling keyboard driver: read every byte the 8042 has (status port 0x64
; bit 0, data port 0x60) and print it on the 0xE9 console as two hex digits and a space,
; in the order they come, until the break code of Enter (0x9C in the translated set 1
; that a PC's 8042 delivers); then a newline and exit 0x10 (status 33). Fed "ab" and a
; newline with --keys-from-stdin, it prints "1E 9E 30 B0 1C 9C" (tests/cli/host.sh).
%include "mb.inc"
KBC_DATA   equ 0x60
KBC_STATUS equ 0x64
KBC_OBF    equ 0x01                         ; output buffer full: a byte to read

    mov esp, 0x90000
.poll:
    in al, KBC_STATUS
    test al, KBC_OBF
    jz .poll
    in al, KBC_DATA
    mov bl, al
    call hex2
    cmp bl, 0x9C
    je .done
    mov al, ' '
    out PORT_DEBUGCON, al
    jmp .poll
.done:
    mov al, 10
    out PORT_DEBUGCON, al
    mov al, 0x10
    out PORT_EXIT, al
    cli
    hlt

; Print AL as two hex digits.
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
image_end:
