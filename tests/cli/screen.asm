; screen.asm -- write "screen ok" to the VGA text buffer at 0xB8000 (light grey on black) and
; exit with 0x10 (status 33): lab86 run --display text shows it.
%include "mb.inc"
    mov esi, message
    mov edi, 0xB8000
.next:
    lodsb
    test al, al
    jz .done
    mov ah, 0x07
    stosw
    jmp .next
.done:
    mov al, 0x10
    out PORT_EXIT, al
message:
    db "screen ok", 0
image_end:
