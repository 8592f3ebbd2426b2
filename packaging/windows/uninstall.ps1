<#
.SYNOPSIS
  Remove the Pix kiosk from a Windows lab PC; safe to run again.

.DESCRIPTION
  Stops the exam core's service "pix-kiosk-core" (cleanly: it answers Stop-Service), waits for
  its process, removes the service, the Shell Launcher entry and the
  automatic logon of the "pix-kiosk" account, the account, the app, its PATH entry and
  %PROGRAMDATA%\pix-kiosk-run (the window's configuration). The data directory
  %PROGRAMDATA%\pix-kiosk (device keys, exam journals not yet sent, the core's log
  core-service.log) is KEPT: check on the server that every exam of this PC was received,
  then delete it by hand if you wish.
#>
#Requires -RunAsAdministrator
$ErrorActionPreference = "Stop"

$AppDir = Join-Path $env:ProgramFiles "pix-kiosk"
$DataDir = Join-Path $env:ProgramData "pix-kiosk"
$KioskUser = "pix-kiosk"
$CoreService = "pix-kiosk-core"
$RunDir = Join-Path $env:ProgramData "pix-kiosk-run"

# The core stops cleanly on Stop-Service (its journal closed); its process is waited for so
# that the app's files are free to delete.
$service = Get-CimInstance Win32_Service -Filter "Name='$CoreService'" -ErrorAction SilentlyContinue
if ($service) {
    Stop-Service -Name $CoreService -ErrorAction SilentlyContinue
    if ($service.ProcessId) { Wait-Process -Id $service.ProcessId -Timeout 60 -ErrorAction SilentlyContinue }
    sc.exe delete $CoreService | Out-Null
}
Remove-Item -Recurse -Force $RunDir -ErrorAction SilentlyContinue

$account = Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue
if ($account) {
    $launcher = Get-CimClass -Namespace root\standardcimv2\embedded -ClassName WESL_UserSetting `
        -ErrorAction SilentlyContinue
    if ($launcher) {
        $sid = $account.SID.Value
        $shells = Get-CimInstance -Namespace root\standardcimv2\embedded -ClassName WESL_UserSetting
        if ($shells | Where-Object { $_.Sid -eq $sid }) {
            ([wmiclass]"\\localhost\root\standardcimv2\embedded:WESL_UserSetting").RemoveCustomShell($sid) | Out-Null
        }
    }
    $winlogon = "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"
    if ((Get-ItemProperty $winlogon -ErrorAction SilentlyContinue).DefaultUserName -eq $KioskUser) {
        Set-ItemProperty $winlogon -Name AutoAdminLogon -Value "0"
        Remove-ItemProperty $winlogon -Name DefaultPassword -ErrorAction SilentlyContinue
        Remove-ItemProperty $winlogon -Name DefaultUserName -ErrorAction SilentlyContinue
    }
    Remove-LocalUser -Name $KioskUser
}

$machinePath = [Environment]::GetEnvironmentVariable("Path", "Machine")
$kept = ($machinePath -split ";") | Where-Object { $_ -and $_ -ne $AppDir }
[Environment]::SetEnvironmentVariable("Path", ($kept -join ";"), "Machine")
Remove-Item -Recurse -Force $AppDir, "$AppDir.new", "$AppDir.old" -ErrorAction SilentlyContinue

Write-Output "pix-kiosk désinstallé / uninstalled."
if (Test-Path $DataDir) {
    Write-Output "Données conservées / data kept: $DataDir (vérifiez que le serveur a reçu toutes les épreuves avant de le supprimer / check that the server received every exam before deleting it)."
}
