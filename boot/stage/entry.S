/*
 * x86-64 boot stage: loader headers, 32-bit multiboot entry, switch to long
 * mode, exception stubs and the hand-off. Everything else is C.
 *
 * Entry (multiboot v1, docs/BOOT.md "Entry"): QEMU's -kernel loader copies
 * the flat binary to its load address, zeroes up to bss_end, and jumps to
 * stage_entry32 in 32-bit protected mode, paging off, with EAX = 0x2BADB002
 * and EBX = the multiboot information. Nothing else about the machine state
 * is assumed: the stage loads its own GDT, page tables and IDT.
 */
#include "platform.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010002 /* want memory info; address fields valid */

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define MSR_FS_BASE 0xC0000100

#define SEL_CODE64 0x08
#define SEL_DATA 0x10

/* ---- Headers: file offset 0 and HV_STAGE_HDR_OFFSET (32) ------------- */

    .section .header, "a"
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long mb_header         /* header_addr */
    .long __stage_start     /* load_addr */
    .long __load_end        /* load_end_addr: the whole file */
    .long __bss_end         /* bss_end_addr: the loader zeroes the bss */
    .long stage_entry32     /* entry_addr */

/* Stage header (include/hvimage/flash.h), read by hvimage assemble. */
stage_header:
    .byte 'H', 'V', 'S', 'T', 'A', 'G', 'E', 0x1a
    .long 1                 /* HV_STAGE_HDR_VERSION */
    .long __stage_load_size
    .long __stage_trust_offset
    .long 8192              /* HV_TRUST_AREA_SIZE */
    .quad 0

/* The trust area: all zero until hvimage assemble provisions it. */
    .section .trust, "a", @progbits
    .balign 16
    .globl stage_trust
stage_trust:
    .skip 8192

/* ---- 32-bit entry ------------------------------------------------------ */

    .section .text.entry32, "ax"
    .code32
    .globl stage_entry32
stage_entry32:
    cli
    cld
    mov     %eax, mb_magic
    mov     %ebx, mb_info
    rdtsc
    mov     %eax, stage_tsc_entry
    mov     %edx, stage_tsc_entry + 4

    lgdt    gdt_ptr
    mov     $SEL_DATA, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     %ax, %fs
    mov     %ax, %gs
    mov     $stage_stack_top, %esp

    /* The loader zeroed the bss; do it again rather than rely on it. */
    mov     $__bss_start, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb

    /*
     * Identity map with 2 MiB pages: PDs 0-3 cover RAM and MMIO below
     * 4 GiB (read-write), PDs 4-7 the flash window at 4 GiB (read-only, so
     * a stage bug cannot write to "flash", and CR0.WP makes that hold at
     * CPL 0).
     */
    mov     $page_pds, %edi
    xor     %ecx, %ecx              /* 2 MiB page number 0..4095 */
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $0x83, %eax             /* present, writable, 2 MiB */
    cmp     $2048, %ecx
    jb      2f
    and     $~0x2, %eax             /* flash window: read-only */
2:  mov     %eax, (%edi,%ecx,8)
    mov     %ecx, %eax
    shr     $11, %eax               /* bits 32+ of the address */
    mov     %eax, 4(%edi,%ecx,8)
    inc     %ecx
    cmp     $4096, %ecx
    jb      1b

    mov     $page_pdpt, %edi
    mov     $page_pds, %eax
    xor     %ecx, %ecx
3:  lea     3(%eax), %edx           /* present, writable */
    mov     %edx, (%edi,%ecx,8)
    add     $4096, %eax
    inc     %ecx
    cmp     $8, %ecx
    jb      3b

    mov     $page_pdpt, %eax
    or      $3, %eax
    mov     %eax, page_pml4

    mov     $page_pml4, %eax
    mov     %eax, %cr3
    /*
     * SSE on (CR4.OSFXSR, OSXMMEXCPT; CR0.EM clear, MP set) before any C
     * runs: Debian's libzstd.a and libbearssl.a and the verifier library
     * use SSE registers, and the SHA-256 code on the SHA extensions
     * (sha256_x86.c, picked from CPUID) needs them too. The stage's own
     * files are built -mgeneral-regs-only all the same.
     */
    mov     %cr4, %eax
    or      $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov     %eax, %cr4
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    mov     %cr0, %eax
    and     $~CR0_EM, %eax
    or      $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
    mov     %eax, %cr0
    ljmp    $SEL_CODE64, $stage_entry64

/* ---- 64-bit entry ------------------------------------------------------ */

    .code64
stage_entry64:
    mov     $SEL_DATA, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    xor     %eax, %eax
    mov     %ax, %fs
    mov     %ax, %gs

    /*
     * Debian's libzstd.a and libbearssl.a are built with the stack
     * protector, which reads its canary at %fs:0x28: point FS at a small
     * block whose canary is taken from the entry TSC.
     */
    mov     stage_tsc_entry(%rip), %rax
    movabs  $0x9E3779B97F4A7C15, %rdx
    imul    %rdx, %rax
    mov     %rax, stage_tls + 0x28(%rip)
    lea     stage_tls(%rip), %rax
    mov     %rax, %rdx
    shr     $32, %rdx
    mov     $MSR_FS_BASE, %ecx
    wrmsr

    /* Paint the whole stack for the high-water mark (stage_stack_used). */
    lea     stage_stack(%rip), %rdi
    mov     $(STAGE_STACK_SIZE / 8), %ecx
    movabs  $STAGE_STACK_PAINT, %rax
    rep stosq
    lea     stage_stack_top(%rip), %rsp
    xor     %ebp, %ebp
    fninit

    mov     mb_magic(%rip), %edi
    mov     mb_info(%rip), %esi
    call    stage_main
4:  cli
    hlt
    jmp     4b

/*
 * void stage_paint_free_stack(void): paint the stack below the caller's
 * frame (down to the bottom), so that stage_stack_used() afterwards tells
 * how deep the next call went.
 */
    .text
    .globl stage_paint_free_stack
stage_paint_free_stack:
    lea     -64(%rsp), %rcx
    lea     stage_stack(%rip), %rdi
    sub     %rdi, %rcx
    jbe     5f
    shr     $3, %rcx
    movabs  $STAGE_STACK_PAINT, %rax
    rep stosq
5:  ret

/*
 * void stage_handoff(uint64_t entry, const hv_bootinfo *bi): the only jump
 * out of the stage. Interrupts stay off; RDI = boot info; the stage's stack
 * stays valid for the core (docs/BOOT.md "Hand-off").
 */
    .globl stage_handoff
stage_handoff:
    cli
    mov     %rdi, %rax
    mov     %rsi, %rdi
    xor     %esi, %esi
    xor     %edx, %edx
    xor     %ecx, %ecx
    xor     %r8d, %r8d
    xor     %r9d, %r9d
    xor     %ebp, %ebp
    and     $-16, %rsp
    jmp     *%rax

/*
 * void stage_linux_jump(uint64_t entry, uint64_t zero_page, uint64_t pml4,
 *                       const void *gdtr): the Linux hand-off (linux.c,
 * docs/BOOT.md "Linux core"). The x86 64-bit boot protocol wants a GDT
 * with a 64-bit code segment at 0x10 (__BOOT_CS) and flat data at 0x18
 * (__BOOT_DS) loaded into CS and DS, ES, SS; interrupts off; page tables
 * identity-mapping the kernel, the zero page and the command line; and
 * RSI = the zero page. The new GDT and page tables lie in low memory,
 * where the kernel's decompressor does not write; the stage's own stay
 * behind at 16 MiB, which it overwrites.
 */
    .globl stage_linux_jump
stage_linux_jump:
    cli
    lgdt    (%rcx)
    mov     %rdx, %cr3
    pushq   $0x10
    lea     8f(%rip), %rax
    push    %rax
    lretq
8:  mov     $0x18, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    mov     %rdi, %rax
    xor     %edi, %edi
    xor     %edx, %edx
    xor     %ecx, %ecx
    xor     %r8d, %r8d
    xor     %r9d, %r9d
    xor     %ebp, %ebp
    xor     %ebx, %ebx
    jmp     *%rax

/* ---- Exceptions: print and halt (stage_exception in main.c) ----------- */

.macro isr n
isr_\n:
    .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    push    $0
    .endif
    push    $\n
    jmp     isr_common
.endm

    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    isr \n
    .endr

isr_common:
    mov     %rsp, %rdi      /* vector, error code, rip, cs, rflags, rsp, ss */
    and     $-16, %rsp
    call    stage_exception
6:  cli
    hlt
    jmp     6b

    .section .rodata
    .balign 8
    .globl stage_isr_table
stage_isr_table:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad isr_\n
    .endr

/* ---- Data -------------------------------------------------------------- */

    .data
    .balign 16
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF        /* 0x10: flat data */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .quad gdt
    .balign 8
    .globl stage_tsc_entry
stage_tsc_entry:
    .quad 0
mb_magic:
    .long 0
mb_info:
    .long 0
    .balign 16
stage_tls:
    .skip 64

    .bss
    .balign 4096
page_pml4:
    .skip 4096
page_pdpt:
    .skip 4096
    /* bootstate.c splits the flash's 2 MiB pages that hold the boot_state
     * region into 4 KiB pages, writable only over that region. */
    .globl page_pds
page_pds:
    .skip 8 * 4096
    .balign 16
    .globl stage_stack, stage_stack_top
stage_stack:
    .skip STAGE_STACK_SIZE
stage_stack_top:

    .section .note.GNU-stack, "", @progbits
