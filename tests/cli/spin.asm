; spin.asm -- loop forever: lab86 stops at the --max-cycles limit with status 6.
%include "mb.inc"
    jmp $
image_end:
