; double_fault.asm -- which second exception, raised while delivering a first one,
; becomes a double fault (#DF), and how #DF is delivered.
;
; Intel SDM vol. 3, 6.15 "Interrupt 8 -- Double Fault Exception", tables 6-4 and 6-5:
; exceptions are benign (#DB, NMI, #BP, #OF, #BR, #UD, #NM, ...), contributory (#DE, #TS,
; #NP, #SS, #GP) or page faults.  A contributory exception while delivering a
; contributory one, or a contributory exception or #PF while delivering a #PF, gives
; #DF with error code 0 (and an undefined saved CS:EIP); any other pair is handled
; serially: the second exception is simply delivered.  #DF while delivering #DF shuts
; down (triple_fault.asm).  The error code of an exception raised while delivering an
; earlier exception has EXT (bit 0) set; raised while delivering INT n / INT3 / INTO,
; EXT is clear (6.13).
;
; Checks:
;   df_gp_while_delivering_np   MOV DS with a not-present segment -> #NP, whose IDT gate
;                               points at a data segment -> #GP -> #DF(0), through the
;                               library's interrupt gate for vector 8;
;   df_np_while_delivering_gp   MOV DS with an execute-only segment -> #GP, whose gate is
;                               not present -> #NP -> #DF(0);
;   bp_then_np_is_not_df        INT3 through a not-present gate -> #NP(3 * 8 + 2), EXT = 0
;                               (#BP is benign and software-generated);
;   ud_then_np_is_not_df        UD2 with a not-present #UD gate -> #NP(6 * 8 + 2 + EXT);
;   #PF while delivering #PF (the stack is on a not-present page) -> #DF, delivered
;   through a task gate, the only way to get a good stack in that situation:
;     df_task_error_code_0, df_task_stack_has_only_the_error_code, df_task_sets_nt,
;     df_task_link_is_main, df_cr2_in_stack_page, df_task_returned_to_main.
;
; QEMU (7.2) does not set EXT in the #NP error code for a not-present gate met while
; delivering a hardware exception (ud_then_np_is_not_df gets 0x32); the SDM (6.13) says
; EXT = 1.  Listed in run-qemu.sh.

%include "lib.inc"

SEL_NP_DATA   equ SEL_FREE + 0x00       ; data segment, not present
SEL_EXEC_ONLY equ SEL_FREE + 0x08       ; execute-only code segment
SEL_TSS_DF    equ SEL_FREE + 0x10       ; the #DF task

section .text
test_main:
    SET_SEG SEL_NP_DATA, 0, 0xFFFFF, ACC_DATA_RW & ~ACC_PRESENT, FL_FLAT
    SET_SEG SEL_EXEC_ONLY, 0, 0xFFFFF, ACC_CODE_X, FL_FLAT
    call t_contributory_pairs
    call t_benign_then_contributory
    call t_pf_while_delivering_pf
    ret

t_contributory_pairs:
    ; #NP's gate names a data segment as its handler's code segment.
    mov eax, [exc_stub_table + 4 * EXC_NP]
    SET_IDT EXC_NP, SEL_KDATA, eax, ACC_INTGATE
    mov eax, SEL_NP_DATA
    FAULT_AT_CPL0 "df_gp_while_delivering_np", EXC_DF, 0, mov ds, ax
    RESTORE_IDT EXC_NP

    mov eax, [exc_stub_table + 4 * EXC_GP]
    SET_IDT EXC_GP, SEL_KCODE, eax, ACC_INTGATE & ~ACC_PRESENT
    mov eax, SEL_EXEC_ONLY
    FAULT_AT_CPL0 "df_np_while_delivering_gp", EXC_DF, 0, mov ds, ax
    RESTORE_IDT EXC_GP
    ret

t_benign_then_contributory:
    mov eax, [exc_stub_table + 4 * EXC_BP]
    SET_IDT EXC_BP, SEL_KCODE, eax, ACC_INTGATE & ~ACC_PRESENT
    FAULT_AT_CPL0 "bp_then_np_is_not_df", EXC_NP, EXC_BP * 8 + 2, int3
    RESTORE_IDT EXC_BP

    mov eax, [exc_stub_table + 4 * EXC_UD]
    SET_IDT EXC_UD, SEL_KCODE, eax, ACC_INTGATE & ~ACC_PRESENT
    FAULT_AT_CPL0 "ud_then_np_is_not_df", EXC_NP, EXC_UD * 8 + 2 + 1, ud2
    RESTORE_IDT EXC_UD
    ret

; #PF on a not-present page, with ESP at the top of another not-present page: pushing
; the #PF frame faults again -> #DF.  An interrupt gate for #DF would push onto the same
; stack and shut down; a task gate switches to a task with its own stack.
t_pf_while_delivering_pf:
    call paging_init
    mov eax, pf_absent
    call pte_of
    mov dword [eax], 0
    mov eax, bad_stack
    call pte_of
    mov dword [eax], 0
    call paging_on

    mov eax, cr3                    ; with paging on, task switches load CR3
    mov [tss_main + TSS_CR3], eax
    mov edi, tss_df
    mov ecx, TSS_SIZE / 4
    xor eax, eax
    rep stosd
    mov eax, cr3
    mov [tss_df + TSS_CR3], eax
    mov dword [tss_df + TSS_EIP], df_task
    mov dword [tss_df + TSS_ESP], df_stack_top
    mov dword [tss_df + TSS_EFLAGS], EFL_RSV
    mov dword [tss_df + TSS_CS], SEL_KCODE
    mov dword [tss_df + TSS_SS], SEL_KDATA
    mov dword [tss_df + TSS_DS], SEL_KDATA
    mov dword [tss_df + TSS_ES], SEL_KDATA
    mov dword [tss_df + TSS_FS], SEL_KDATA
    mov dword [tss_df + TSS_GS], SEL_KDATA
    mov word [tss_df + TSS_IOMAP], TSS_SIZE
    SET_SEG SEL_TSS_DF, tss_df, TSS_SIZE - 1, ACC_TSS32, 0
    SET_IDT EXC_DF, SEL_TSS_DF, 0, ACC_TASKGATE

    mov [main_esp], esp
    mov esp, bad_stack + 4096
    mov eax, [pf_absent]            ; #PF -> (push faults) #PF -> #DF -> task switch
    ; df_task resumes the main task at .resume with its stack back
    FAIL "df_task_returned_to_main", "the faulting load completed"
    mov esp, [main_esp]
.resume:
    PASS "df_task_returned_to_main"
    RESTORE_IDT EXC_DF
    call paging_off
    ret

; The #DF task: entered through the task gate with the error code on its stack.
df_task:
    mov ebx, esp
    pop eax
    CHECK_EQ "df_task_error_code_0", eax, 0
    CHECK_EQ "df_task_stack_has_only_the_error_code", ebx, df_stack_top - 4
    pushfd
    pop eax
    CHECK_MASK "df_task_sets_nt", eax, EFL_NT, EFL_NT
    CHECK_MASK "df_task_link_is_main", dword [tss_df + TSS_LINK], 0xFFFF, SEL_TSS
    mov eax, cr2                    ; the last #PF: a push into the stack page
    CHECK_MASK "df_cr2_in_stack_page", eax, ~0xFFF, bad_stack
    ; Repair the interrupted task (saved CS:EIP of a #DF is undefined) and return.
    mov dword [tss_main + TSS_EIP], t_pf_while_delivering_pf.resume
    mov eax, [main_esp]
    mov [tss_main + TSS_ESP], eax
    iretd                           ; NT = 1: back to the main task
    FAIL "df_task_resumed", "nobody should switch back to the #DF task"
    jmp lib_finish

section .data
main_esp: dd 0

section .bss
alignb 4096
pf_absent: resb 4096                ; not present
bad_stack: resb 4096                ; not present: the #PF frame cannot be pushed
tss_df:    resb TSS_SIZE
alignb 16
           resb 4096
df_stack_top:
