; keys.asm -- a tiny multiboot kernel for tests/lua/keys.lua: it echoes what arrives
; from the PS/2 keyboard and from COM1 on the 0xE9 debug console, so that a Lua
; script can check that m:keys() and m:serial_input() reach the guest.
;
; It polls, with interrupts off: the 8042's status port 0x64 bit 0 (output buffer
; full) then reads the byte at 0x60 and prints it as "k=XX "; COM1's line status
; 0x3FD bit 0 (data ready) then reads 0x3F8 and prints "s=c ". It first writes
; "pekp" at the top left of the VGA text screen. After EXPECT_KEYS
; keyboard bytes and EXPECT_SERIAL serial bytes it writes 0x10 to the exit port.

bits 32

EXPECT_KEYS   equ 4                 ; "ab": two make codes and two break codes
EXPECT_SERIAL equ 2                 ; "hi"

section .multiboot
    dd 0x1BADB002, 0, -0x1BADB002

section .text
global _start
_start:
    mov esp, stack_top
    mov dword [0xB8000], 0x07650770     ; "pe" on the text screen, for m:screen()
    mov dword [0xB8004], 0x0770076B     ; "kp"
    xor ebx, ebx                    ; keyboard bytes seen
    xor edi, edi                    ; serial bytes seen
.poll:
    cmp ebx, EXPECT_KEYS
    jb .kbd
    cmp edi, EXPECT_SERIAL
    jae .done
.kbd:
    in al, 0x64
    test al, 1
    jz .com
    in al, 0x60
    mov ah, 'k'
    call show
    inc ebx
.com:
    mov dx, 0x3FD
    in al, dx
    test al, 1
    jz .poll
    mov dx, 0x3F8
    in al, dx
    mov ah, 's'
    call show_char
    inc edi
    jmp .poll
.done:
    mov al, 0x10
    out 0xF4, al
    cli
    hlt

; show: print "AH=XX " for the byte in AL.
show:
    push eax
    mov al, ah
    out 0xE9, al
    mov al, '='
    out 0xE9, al
    pop eax
    push eax
    shr al, 4
    call hex
    pop eax
    push eax
    and al, 15
    call hex
    mov al, ' '
    out 0xE9, al
    pop eax
    ret

; show_char: print "AH=c " for the character in AL.
show_char:
    push eax
    mov al, ah
    out 0xE9, al
    mov al, '='
    out 0xE9, al
    pop eax
    out 0xE9, al
    mov al, ' '
    out 0xE9, al
    ret

hex:
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'A' - '0' - 10
.out:
    out 0xE9, al
    ret

section .bss
    resb 4096
stack_top:
