; tf.asm -- raise #UD before loading an IDT.  The loader leaves IDTR.limit = 0, so the
; exception cannot be delivered (#GP), nor can that (#DF): a triple fault, status 4.
%include "mb.inc"
    ud2
image_end:
