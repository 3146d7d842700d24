# Load test for Measure-SebsResult: builds N ExecutionResults in Core, pipes them through the cmdlet twice (the first
# pass includes JIT warm-up of PowerShell's pipeline and our accessors) and prints the times and the peak working set.
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
'{0:N0} results built in {1:N2} s' -f $Count, $build.Elapsed.TotalSeconds

foreach ($pass in 'first', 'second') {
    $measure = [Diagnostics.Stopwatch]::StartNew()
    $summaries = $results | Measure-SebsResult
    $measure.Stop()
    '{0} pass: piped through Measure-SebsResult in {1:N2} s ({2} summaries, {3:N0} values)' -f `
        $pass, $measure.Elapsed.TotalSeconds, @($summaries).Count, ($summaries | Measure-Object Count -Sum).Sum
}
$summaries | Format-Table Name, Count, Mean, Median, P99, CI95Low, CI95High -AutoSize | Out-String -Width 160 | Write-Host

$process = [Diagnostics.Process]::GetCurrentProcess()
$process.Refresh()
'Peak working set: {0:N0} MB' -f ($process.PeakWorkingSet64 / 1MB)
