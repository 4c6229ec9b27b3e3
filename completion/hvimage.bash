# bash completion for hvimage(1): commands, each command's options, and
# values where they are a closed set (--alg, --active) or files and folders.
# Installed as share/bash-completion/completions/hvimage. The option lists
# follow the commands' getopt tables (mkimage/cli/cmd_*.c);
# tests/install/completion.sh fails when they drift apart.

_hvimage_commands="build sign tbs attach verify inspect extract sbom keygen assemble update tpm driver package provenance root keyring"

_hvimage_options()
{
    case $1 in
    build) echo "--manifest --profile --output --key --unsigned --threads --format-version --quiet --progress --provenance --trust-block --help" ;;
    sign) echo "--key --profile --output --help" ;;
    tbs) echo "--output --help" ;;
    attach) echo "--pub --signature --output --help" ;;
    verify) echo "--key --root --min-root-version --min-keyring-version --min-key-epoch --board --rollback --no-rollback-check --oem --any-oem --profile --min-signatures --no-ram-check --json --progress --help" ;;
    inspect) echo "--json --help" ;;
    extract) echo "--key --root --min-root-version --min-keyring-version --min-key-epoch --board --rollback --no-rollback-check --oem --any-oem --profile --min-signatures --no-ram-check --output --json --progress --help" ;;
    sbom) echo "--key --root --min-root-version --min-keyring-version --min-key-epoch --board --rollback --no-rollback-check --oem --any-oem --profile --min-signatures --no-ram-check --output --progress --help" ;;
    keygen) echo "--alg --output --pub --help" ;;
    assemble) echo "--profile --stage --key --min-signatures --board --rollback --slot-a --slot-b --active --allow-rejected --output --json --quiet --help" ;;
    update) echo "--flash --json --activate --tries --tpm --help" ;;
    tpm) echo "--tcti --nv-index --floor --key-epoch --keyring-version --root-version --floor-only --json --help" ;;
    driver) echo "--key --vendor --version --license --output --package --envelope --signature --pub --profile --vendor-pub --help" ;;
    package) echo "--cab --manifest --pub --oem --profile --any-oem --key --cert --no-ram-check --help" ;;
    provenance) echo "--pub --image --json --help" ;;
    root) echo "--version --threshold --key --slots --output --previous --root --signature --pubkey --json --help" ;;
    keyring) echo "--output --root --keyring --key --previous --signature --pubkey --min-root-version --min-keyring-version --min-key-epoch --json --help" ;;
    esac
}

_hvimage()
{
    local cur prev cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()

    # The command is the first word after hvimage that is not an option.
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$_hvimage_commands --help" -- "$cur"))
        return 0
    fi

    # The value of the option before the cursor.
    case $prev in
    --alg|-a)
        [[ $cmd == keygen ]] &&
            COMPREPLY=($(compgen -W "ecdsa-p384-sha384 ecdsa-p256-sha256 rsa3072-pkcs1-sha256 rsa4096-pkcs1-sha256" -- "$cur"))
        return 0 ;;
    --active)
        COMPREPLY=($(compgen -W "a b" -- "$cur"))
        return 0 ;;
    --board|--rollback|--oem|--min-signatures|--min-root-version|--min-keyring-version|--min-key-epoch|--threads|--format-version|--tries|-b|-r|-t)
        return 0 ;;
    --output|-o)
        if [[ $cmd == extract ]]; then
            COMPREPLY=($(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return 0 ;;
    --vendor|--version|--license|--tcti|--tpm|--nv-index|--floor|--key-epoch|--keyring-version|--root-version)
        return 0 ;;
    --threshold|--slots|--min-root-version|--min-keyring-version|--min-key-epoch)
        return 0 ;;
    --previous|--root|--keyring|--pubkey)
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0 ;;
    --manifest|--profile|--key|--pub|--signature|--stage|--slot-a|--slot-b|--flash|--package|--envelope|--vendor-pub|--cab|--cert|--provenance|--image|--trust-block|-m|-p|-k|-s|-f)
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0 ;;
    esac

    # update's subcommand, then (install) a file.
    # provenance's one subcommand, then the provenance file.
    if [[ $cmd == provenance && $cur != -* && ${COMP_WORDS[i+1]:-} == "$cur" && $((i + 1)) -eq $COMP_CWORD ]]; then
        COMPREPLY=($(compgen -W "verify" -- "$cur"))
        return 0
    fi

    if [[ $cmd == update && $cur != -* ]]; then
        local sub=""
        for ((i = i + 1; i < COMP_CWORD; i++)); do
            case ${COMP_WORDS[i]} in
            --flash|-f|--tpm|--tries) ((i++)) ;;
            -*) ;;
            *) sub=${COMP_WORDS[i]}; break ;;
            esac
        done
        if [[ -z $sub ]]; then
            COMPREPLY=($(compgen -W "status install activate confirm mark-bad rollback" -- "$cur"))
            return 0
        fi
        case $sub in
        confirm|mark-bad) COMPREPLY=($(compgen -W "a b" -- "$cur")); return 0 ;;
        install) ;;
        *) return 0 ;;
        esac
    fi

    # tpm's subcommand (docs/TPM.md).
    if [[ $cmd == tpm && $cur != -* ]]; then
        COMPREPLY=($(compgen -W "provision read" -- "$cur"))
        return 0
    fi

    # driver's subcommand first (Issue 12, vendor signatures).
    if [[ $cmd == driver && $cur != -* ]]; then
        local dsub=""
        for ((i = i + 1; i < COMP_CWORD; i++)); do
            case ${COMP_WORDS[i]} in
            -*) ;;
            *) dsub=${COMP_WORDS[i]}; break ;;
            esac
        done
        if [[ -z $dsub ]]; then
            COMPREPLY=($(compgen -W "sign countersign tbs attach check" -- "$cur"))
            return 0
        fi
    fi

    # root's and keyring's subcommand first (issue 11, docs/KEYS.md).
    if [[ ($cmd == root || $cmd == keyring) && $cur != -* ]]; then
        local ksub=""
        for ((i = i + 1; i < COMP_CWORD; i++)); do
            case ${COMP_WORDS[i]} in
            -*) ;;
            *) ksub=${COMP_WORDS[i]}; break ;;
            esac
        done
        if [[ -z $ksub ]]; then
            if [[ $cmd == root ]]; then
                COMPREPLY=($(compgen -W "create sign tbs attach inspect" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "create sign tbs attach inspect bundle verify" -- "$cur"))
            fi
            return 0
        fi
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_hvimage_options "$cmd")" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
}
complete -o filenames -o bashdefault -F _hvimage hvimage
