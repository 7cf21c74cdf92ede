; ok.asm -- print "OK" on the 0xE9 console and exit with 0x10: lab86 ends with status 33.
%include "mb.inc"
    mov al, 'O'
    out PORT_DEBUGCON, al
    mov al, 'K'
    out PORT_DEBUGCON, al
    mov al, 0x10
    out PORT_EXIT, al
    cli                                     ; only reached if the exit device is missing
    hlt
image_end:
