<#
.SYNOPSIS
  Install the Pix kiosk on a Windows lab PC: silent, per machine, safe to run again.

.DESCRIPTION
  - copies the packaged app (the pix-kiosk folder built by PyInstaller) to
    "C:\Program Files\pix-kiosk" and adds it to the machine PATH;
  - creates the data directory %PROGRAMDATA%\pix-kiosk (device keys, exam journals), writable by
    the kiosk account and administrators only;
  - with -Server and -Token, enrols the PC, which writes the lab configuration
    %PROGRAMDATA%\pix-kiosk\kiosk.toml (skipped when the PC is already enrolled); -CaFile names
    the authority of the server's certificate when the machine's store does not hold it;
  - with -ShellLauncher (Windows Enterprise / Education), creates the local account "pix-kiosk",
    logs it on automatically and runs the kiosk as its only shell (Shell Launcher); other accounts
    keep the normal desktop. Restart the PC afterwards.
  See docs/deploy.md.

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
$KioskUser = "pix-kiosk"

function Fail([string]$fr, [string]$en) {
    Write-Error "ERREUR : $fr`nERROR: $en"
    exit 1
}

if (-not (Test-Path (Join-Path $Bundle "pix-kiosk.exe"))) {
    Fail "application introuvable dans $Bundle : donnez -Bundle DOSSIER." "app not found in ${Bundle}: pass -Bundle DIR."
}
if ($Server -and -not $Token) { Fail "-Server demande aussi -Token." "-Server also needs -Token." }

# The new app goes in beside the old one, then takes its place.
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

# Data directory: administrators and SYSTEM in full; the kiosk account may modify, or, without a
# kiosk account, every local user (the kiosk then runs in the students' own sessions).
New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
$grants = @("*S-1-5-32-544:(OI)(CI)F", "*S-1-5-18:(OI)(CI)F")
if (Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue) {
    $grants += "${KioskUser}:(OI)(CI)M"
} else {
    $grants += "*S-1-5-32-545:(OI)(CI)M"
    Write-Warning ("Sans -ShellLauncher, tout compte local peut lire les clés du poste ; pour un examen, préférez -ShellLauncher. " +
        "Without -ShellLauncher every local account can read this PC's keys; for exams, prefer -ShellLauncher.")
}
icacls $DataDir /inheritance:r /grant:r @grants /T /Q | Out-Null
if ($LASTEXITCODE -ne 0) { Fail "droits impossibles à poser sur $DataDir." "cannot set permissions on $DataDir." }

$exe = Join-Path $AppDir "pix-kiosk.exe"
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

if ($ShellLauncher) {
    Enable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -All -NoRestart | Out-Null
    $sid = (Get-LocalUser -Name $KioskUser).SID.Value
    $shell = "`"$(Join-Path $AppDir 'pix-kiosk-session.exe')`" run --config `"$Config`""
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
Write-Output "Vérifiez le poste / check the PC: pix-kiosk doctor --config `"$Config`""
if ($ShellLauncher) { Write-Output "Redémarrez le poste / restart the PC: the kiosk session starts at logon." }
