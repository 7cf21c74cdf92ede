; boot.asm - lab 1 solution: a boot sector that reaches 32-bit protected mode.
;
; The BIOS loads this sector to 0000:7C00 and jumps here in real mode with DL = the boot
; drive. We: say hello through INT 10h and on COM1; read the second stage (STAGE2_SECTORS
; sectors from LBA 1, given by the Makefile) to 1000:0000 = 0x10000 with INT 13h; open the
; A20 gate; load a flat GDT; set CR0.PE; far-jump into 32-bit code; jump to 0x10000.

bits 16
org 0x7C00

%ifndef STAGE2_SECTORS
%define STAGE2_SECTORS 8
%endif
COM1 equ 0x3F8

start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00                  ; the stack grows down below us
    sti
    mov [boot_drive], dl

    mov si, msg_hello
    call print

    ; INT 13h AH=42h: extended read, LBA addressing, with a disk address packet.
    mov ah, 0x42
    mov dl, [boot_drive]
    mov si, dap
    int 0x13
    jc .disk_error

    ; A20 through port 0x92 ("fast A20"); never write bit 0 (it resets the CPU).
    in al, 0x92
    or al, 2
    and al, 0xFE
    out 0x92, al

    cli
    lgdt [gdt_descriptor]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp 0x08:pm32                   ; reloads CS: now 32-bit code

.disk_error:
    mov si, msg_disk
    call print
.hang:
    hlt
    jmp .hang

; print: the NUL-terminated string at DS:SI, on the screen and on COM1.
print:
    lodsb
    test al, al
    jz .done
    mov ah, 0x0E                    ; INT 10h teletype output
    xor bx, bx
    int 0x10
    mov dx, COM1 + 5                ; wait for the transmit holding register
.wait:
    mov ah, al
    in al, dx
    test al, 0x20
    mov al, ah
    jz .wait
    mov dx, COM1
    out dx, al
    jmp print
.done:
    ret

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, 0x90000
    jmp 0x08:0x10000

align 8
gdt:
    dq 0                            ; the null descriptor
    dq 0x00CF9A000000FFFF           ; 0x08: code, base 0, limit 4 GiB, 32-bit, ring 0
    dq 0x00CF92000000FFFF           ; 0x10: data, base 0, limit 4 GiB, writable
gdt_descriptor:
    dw gdt_descriptor - gdt - 1
    dd gdt

align 4
dap:                                ; disk address packet for INT 13h AH=42h
    db 16, 0                        ; its size, reserved
    dw STAGE2_SECTORS               ; sectors to read
    dw 0x0000, 0x1000               ; buffer offset, segment: 1000:0000 = 0x10000
    dq 1                            ; first LBA

boot_drive: db 0
msg_hello: db "lab1: booting", 13, 10, 0
msg_disk: db "lab1: disk read failed", 13, 10, 0

times 510 - ($ - $$) db 0
dw 0xAA55
