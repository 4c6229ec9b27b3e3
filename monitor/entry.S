/*
 * Monitor entry. The boot stage jumps here in 64-bit long mode with
 * interrupts off and RDI = the boot-info structure (include/hvimage/
 * bootinfo.h); RDI is passed on untouched as monitor_main's argument.
 */
    .section .text.entry, "ax"
    .code64
    .globl _start
_start:
    cli
    cld
    lea     monitor_stack_top(%rip), %rsp
    xor     %ebp, %ebp
    call    monitor_main
1:  cli
    hlt
    jmp     1b

    .section .bss
    .balign 16
monitor_stack:
    .skip   16384
monitor_stack_top:

    .section .note.GNU-stack, "", @progbits
