# The cache is shared by pwsh processes: two of them writing at once must not corrupt it.
BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
}

Describe 'A cache shared by two pwsh processes' {
    It 'keeps every function both processes wrote' {
        $root = Join-Path $TestDrive 'shared-cache'
        $writer = {
            param($module, $root, $tag)
            Import-Module $module
            $cache = [Sebs.Core.Caching.SebsCache]::new($root)
            foreach ($i in 1..40) {
                $o = [System.Text.Json.Nodes.JsonObject]::new()
                $o['name'] = "$tag-$i"
                $cache.SetFunction('110.dynamic-html', 'Local', 'python', "$tag-$i", $o)
            }
        }
        $jobs = 'a', 'b' | ForEach-Object { Start-Job -ScriptBlock $writer -ArgumentList $env:SEBS_TEST_MODULE, $root, $_ }
        $jobs | Wait-Job -Timeout 120 | Receive-Job -ErrorAction Stop
        $jobs | Remove-Job -Force
        $entries = Get-SebsCache -CachePath $root -Kind Function
        $entries | Should -HaveCount 80
        { Get-Content (Join-Path $root '110.dynamic-html/config.json') -Raw | ConvertFrom-Json } | Should -Not -Throw
    }

    It 'Clear-SebsCache asks before removing and removes only what it is told' {
        $root = Join-Path $TestDrive 'clear-cache'
        $cache = [Sebs.Core.Caching.SebsCache]::new($root)
        foreach ($b in '010.sleep', '110.dynamic-html') {
            $cache.SetFunction($b, 'Local', 'python', "f-$b", [System.Text.Json.Nodes.JsonObject]::new())
        }
        Clear-SebsCache 010.sleep -CachePath $root -WhatIf
        (Get-SebsCache -CachePath $root).Benchmark | Should -Contain '010.sleep'
        $removed = Clear-SebsCache 010.sleep -CachePath $root -Confirm:$false -PassThru
        $removed.Benchmark | Should -Be '010.sleep'
        (Get-SebsCache -CachePath $root).Benchmark | Should -Be '110.dynamic-html'
    }

    It 'finds the cache through the config''s cache key' {
        $root = Join-Path $TestDrive 'config-cache'
        $cache = [Sebs.Core.Caching.SebsCache]::new($root)
        $cache.SetFunction('010.sleep', 'Local', 'python', 'f', [System.Text.Json.Nodes.JsonObject]::new())
        $cfg = Join-Path $TestDrive 'cache-config.json'
        @{ cache = $root; deployment = @{ name = 'local' } } | ConvertTo-Json | Set-Content $cfg
        (Get-SebsCache -ConfigPath $cfg).Benchmark | Should -Be '010.sleep'
        Clear-SebsCache -ConfigPath $cfg -Confirm:$false
        Get-SebsCache -ConfigPath $cfg | Should -BeNullOrEmpty
    }
}
