# Load test for Measure-SebsResult: builds N ExecutionResults in Core, pipes them through the cmdlet and prints
# the elapsed time and the process's peak working set.
#   pwsh -NoProfile -File tests/perf/Measure-Statistics.ps1 [-ModulePath out/Sebs/Sebs.psd1] [-Count 1000000]
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/Sebs/Sebs.psd1'),
    [int]$Count = 1000000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$build = [Diagnostics.Stopwatch]::StartNew()
$results = [Sebs.Core.Results.SyntheticResults]::Create($Count)
$build.Stop()

$measure = [Diagnostics.Stopwatch]::StartNew()
$summaries = $results | Measure-SebsResult
$measure.Stop()

$process = [Diagnostics.Process]::GetCurrentProcess()
$process.Refresh()
$summaries | Format-Table -AutoSize | Out-String | Write-Host
'{0:N0} results built in {1:N2} s; piped through Measure-SebsResult in {2:N2} s; {3} summaries, {4:N0} values counted' -f `
    $Count, $build.Elapsed.TotalSeconds, $measure.Elapsed.TotalSeconds, @($summaries).Count, ($summaries | Measure-Object Count -Sum).Sum
'Peak working set: {0:N0} MB' -f ($process.PeakWorkingSet64 / 1MB)
