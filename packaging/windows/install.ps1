<#
.SYNOPSIS
  Install the Pix kiosk on a Windows lab PC: silent, per machine, safe to run again.

.DESCRIPTION
  - copies the packaged app (the pix-kiosk folder built by PyInstaller) to
    "C:\Program Files\pix-kiosk" and adds it to the machine PATH;
  - installs the exam core as the service "pix-kiosk-core" (`pix-kiosk core --service`, which
    answers the Service Control Manager: running once its pipe listens, stopped cleanly on
    Stop-Service and at shutdown) under its own virtual account NT SERVICE\pix-kiosk-core,
    automatic start, restarted on failure (a crash, or a stop with an error status);
  - creates the core's state directory %PROGRAMDATA%\pix-kiosk (device keys, exam journals),
    ACL'd to that service, SYSTEM and administrators only: no desktop account can read it;
  - writes %PROGRAMDATA%\pix-kiosk-run\window.toml, what the candidate window reads (the lab
    configuration, which holds no secret, pointed at the core's socket in that folder);
  - with -Server and -Token, enrols the PC, which writes the lab configuration
    %PROGRAMDATA%\pix-kiosk\kiosk.toml (skipped when the PC is already enrolled); -CaFile names
    the authority of the server's certificate when the machine's store does not hold it;
  - with -ShellLauncher (Windows Enterprise / Education), creates the local account "pix-kiosk",
    logs it on automatically and runs the candidate window as its only shell (Shell Launcher); other
    accounts keep the normal desktop. Restart the PC afterwards.
  Not testable in CI: check it by hand on a real PC (docs/deploy.md, "Windows: manual check").

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install.ps1 -Server https://exam.example -Token ABCD -ShellLauncher
#>
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
    [string]$Bundle = (Join-Path $PSScriptRoot "pix-kiosk"),
    [string]$Server = "",
    [string]$Token = "",
    [string]$CaFile = "",
    [switch]$ShellLauncher
)
$ErrorActionPreference = "Stop"

$AppDir = Join-Path $env:ProgramFiles "pix-kiosk"
$DataDir = Join-Path $env:ProgramData "pix-kiosk"
$Config = Join-Path $DataDir "kiosk.toml"
$RunDir = Join-Path $env:ProgramData "pix-kiosk-run"
$WindowConfig = Join-Path $RunDir "window.toml"
$KioskUser = "pix-kiosk"
$CoreService = "pix-kiosk-core"
$CoreAccount = "NT SERVICE\$CoreService"

function Fail([string]$fr, [string]$en) {
    Write-Error "ERREUR : $fr`nERROR: $en"
    exit 1
}

# Stop the core's service and wait for its process to end (its files are then free to replace).
function Stop-Core {
    $service = Get-CimInstance Win32_Service -Filter "Name='$CoreService'" -ErrorAction SilentlyContinue
    if (-not $service) { return }
    Stop-Service -Name $CoreService -ErrorAction SilentlyContinue
    if ($service.ProcessId) { Wait-Process -Id $service.ProcessId -Timeout 60 -ErrorAction SilentlyContinue }
}

function Invoke-Sc([string[]]$arguments) {
    & sc.exe @arguments | Out-Null
    if ($LASTEXITCODE -ne 0) {
        Fail "sc.exe $($arguments -join ' ') a échoué ($LASTEXITCODE)." "sc.exe $($arguments -join ' ') failed ($LASTEXITCODE)."
    }
}

if (-not (Test-Path (Join-Path $Bundle "pix-kiosk.exe"))) {
    Fail "application introuvable dans $Bundle : donnez -Bundle DOSSIER." "app not found in ${Bundle}: pass -Bundle DIR."
}
if ($Server -and -not $Token) { Fail "-Server demande aussi -Token." "-Server also needs -Token." }

# The new app goes in beside the old one, then takes its place (the running core stopped first:
# Windows does not let a running program's folder be renamed).
Stop-Core
Remove-Item -Recurse -Force "$AppDir.new", "$AppDir.old" -ErrorAction SilentlyContinue
Copy-Item -Recurse $Bundle "$AppDir.new"
if (Test-Path $AppDir) { Rename-Item $AppDir "$AppDir.old" }
Rename-Item "$AppDir.new" $AppDir
Remove-Item -Recurse -Force "$AppDir.old" -ErrorAction SilentlyContinue

$machinePath = [Environment]::GetEnvironmentVariable("Path", "Machine")
if (($machinePath -split ";") -notcontains $AppDir) {
    [Environment]::SetEnvironmentVariable("Path", "$machinePath;$AppDir", "Machine")
}

if ($ShellLauncher -and -not (Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue)) {
    $password = [Convert]::ToBase64String((1..24 | ForEach-Object { Get-Random -Maximum 256 }))
    $secure = ConvertTo-SecureString $password -AsPlainText -Force
    New-LocalUser -Name $KioskUser -Password $secure -PasswordNeverExpires -UserMayNotChangePassword `
        -Description "Pix kiosk exam session" | Out-Null
    Add-LocalGroupMember -Group "Users" -Member $KioskUser
    $winlogon = "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"
    Set-ItemProperty $winlogon -Name AutoAdminLogon -Value "1"
    Set-ItemProperty $winlogon -Name DefaultUserName -Value $KioskUser
    Set-ItemProperty $winlogon -Name DefaultPassword -Value $password
    Set-ItemProperty $winlogon -Name DefaultDomainName -Value $env:COMPUTERNAME
}

$exe = Join-Path $AppDir "pix-kiosk.exe"

# The exam core: a service with a virtual account of its own (its SID owns the state directory).
New-Item -ItemType Directory -Force -Path $DataDir, $RunDir | Out-Null
$windowSid = "S-1-5-32-545"  # without -ShellLauncher the window runs in the pupils' own sessions
if (Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue) {
    $windowSid = (Get-LocalUser -Name $KioskUser).SID.Value
}
# The core listens on the named pipe \\.\pipe\core.sock (the socket path's last part), open to
# SYSTEM, its own account and $windowSid only, and serves only that account (or group); the
# window checks that the pipe is served by this service's process. --service: the core answers
# the Service Control Manager itself (what it prints goes to $DataDir\core-service.log).
$binPath = "`"$exe`" core --service --data `"$DataDir`" --socket `"$RunDir\core.sock`" --allow-sid $windowSid"
$existing = Get-CimInstance Win32_Service -Filter "Name='$CoreService'" -ErrorAction SilentlyContinue
if ($existing) {
    # Through WMI, not sc.exe: Windows PowerShell would mangle the quotes inside $binPath.
    $changed = Invoke-CimMethod -InputObject $existing -MethodName Change -Arguments @{ PathName = $binPath }
    if ($changed.ReturnValue -ne 0) {
        Fail "commande du service $CoreService impossible à changer ($($changed.ReturnValue))." `
            "cannot change the $CoreService service's command ($($changed.ReturnValue))."
    }
} else {
    New-Service -Name $CoreService -BinaryPathName $binPath -DisplayName "Pix kiosk exam core" `
        -StartupType Automatic | Out-Null
}
Invoke-Sc @("config", $CoreService, "obj=", $CoreAccount, "start=", "auto")
Invoke-Sc @("sidtype", $CoreService, "unrestricted")
# Recovery: restarted 2 s after a crash, up to three times a day, and also when it stops with an
# error status (failureflag 1: a core that could not start, a pipe name taken by another program).
Invoke-Sc @("failure", $CoreService, "reset=", "86400", "actions=", "restart/2000/restart/2000/restart/2000")
Invoke-Sc @("failureflag", $CoreService, "1")

# State directory: administrators and SYSTEM in full, the core's service may modify; no other
# account, inheritance removed (an older install also let the kiosk account or every user in).
$grants = @("*S-1-5-32-544:(OI)(CI)F", "*S-1-5-18:(OI)(CI)F", "${CoreAccount}:(OI)(CI)M")
icacls $DataDir /inheritance:r /grant:r @grants /T /Q | Out-Null
if ($LASTEXITCODE -ne 0) { Fail "droits impossibles à poser sur $DataDir." "cannot set permissions on $DataDir." }
foreach ($open in @("*S-1-5-32-545", "*S-1-1-0", "*S-1-5-11", "*S-1-5-4", $KioskUser)) {
    icacls $DataDir /remove:g $open /T /Q 2>$null | Out-Null
}
# The socket's folder: the core writes, everyone reads (the core checks who connects).
icacls $RunDir /inheritance:r /grant:r "*S-1-5-32-544:(OI)(CI)F" "*S-1-5-18:(OI)(CI)F" `
    "${CoreAccount}:(OI)(CI)M" "*S-1-5-32-545:(OI)(CI)RX" /Q | Out-Null

if ($Server) {
    if (Test-Path $Config) {
        Write-Output "Poste déjà enrôlé ($Config) : enrôlement sauté.", "PC already enrolled ($Config): enrolment skipped."
    } else {
        $authority = @()
        if ($CaFile) { $authority = @("--ca-file", $CaFile) }
        & $exe enroll --server $Server --token $Token --state $DataDir @authority
        if ($LASTEXITCODE -ne 0) { Fail "l'enrôlement a échoué (voir ci-dessus)." "enrolment failed (see above)." }
    }
}
if (Test-Path (Join-Path $DataDir "identity")) {
    # The device keys sealed with DPAPI, machine scope: the files open on this PC only (the ACL
    # above keeps the desktop accounts out). Harmless when already sealed.
    & $exe seal-keys --data $DataDir --with dpapi | Out-Null
    if ($LASTEXITCODE -ne 0) { Fail "scellement DPAPI des clés impossible (voir ci-dessus)." "cannot seal the keys with DPAPI (see above)." }
}

if (Test-Path $Config) {
    # What the window may read: the lab configuration, paths made absolute, pointed at the core.
    $state = $DataDir.Replace("\", "/")
    $socket = (Join-Path $RunDir "core.sock").Replace("\", "/")
    $lines = foreach ($line in Get-Content -LiteralPath $Config -Encoding UTF8) {
        if ($line -match '^(data_dir|bank) = "([^/"][^":]*)"$') { "$($Matches[1]) = `"$state/$($Matches[2])`"" }
        elseif ($line -match '^core_socket = ') { }
        elseif ($line -eq "[kiosk]") { $line; "core_socket = `"$socket`"" }
        else { $line }
    }
    Set-Content -LiteralPath $WindowConfig -Value $lines -Encoding UTF8
}
try {
    Start-Service -Name $CoreService
} catch {
    Fail "le service $CoreService n'a pas démarré : voir $DataDir\core-service.log (ouvert aux administrateurs)." `
        "the $CoreService service did not start: see $DataDir\core-service.log (administrators may read it)."
}

if ($ShellLauncher) {
    Enable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -All -NoRestart | Out-Null
    $sid = (Get-LocalUser -Name $KioskUser).SID.Value
    $shell = "`"$(Join-Path $AppDir 'pix-kiosk-session.exe')`" run --config `"$WindowConfig`""
    $launcher = [wmiclass]"\\localhost\root\standardcimv2\embedded:WESL_UserSetting"
    $launcher.SetDefaultShell("explorer.exe", 0) | Out-Null
    $existing = Get-CimInstance -Namespace root\standardcimv2\embedded -ClassName WESL_UserSetting |
        Where-Object { $_.Sid -eq $sid }
    if ($existing) { $launcher.RemoveCustomShell($sid) | Out-Null }
    $launcher.SetCustomShell($sid, $shell, $null, $null, 0) | Out-Null  # 0: restart the kiosk if it exits
    $launcher.SetEnabled($true) | Out-Null
}

$version = & $exe --version
Write-Output "$version installé / installed in $AppDir."
Write-Output "Vérifiez le poste / check the PC (administrateur / administrator): pix-kiosk doctor --config `"$Config`""
if ($ShellLauncher) { Write-Output "Redémarrez le poste / restart the PC: the kiosk session starts at logon." }
